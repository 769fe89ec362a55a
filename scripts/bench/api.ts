// `npm run bench:api`: the production server on PostgreSQL, driven over loopback by autocannon.
// Usage: DATABASE_URL=postgresql://… npm run bench:api -- [--seconds 10] [--users 2000]
// Baselines in the same run: raw single-row INSERT commits/s through `pg` at the same concurrency,
// and a trivial route handler of the same build (the framework's own ceiling).
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import pg from "pg";
import { seedDemoUsers } from "../../lib/application/users/seed-demo-users";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { fixed, machineDescription, measure, parseFlags, ratio } from "./harness";
import { createBenchDatabase } from "./database";
import { startProductionServer, type RunningServer } from "./server";

const flags = parseFlags(process.argv.slice(2));
const seconds = Number(flags.get("seconds") ?? 10);
const userCount = Number(flags.get("users") ?? 2000);
const concurrency = 16;

interface Figures {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

async function drive(base: string, request: autocannon.Request, duration = seconds): Promise<Figures> {
  // Every request authenticates as a service would, with the benchmark's API token.
  const authenticated = { ...request, headers: { ...server!.auth, ...request.headers } };
  const result = await autocannon({ url: base, connections: concurrency, duration, requests: [authenticated] });
  return {
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const show = (f: Figures) => `${fixed(f.requests)} req/s (p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.errors} errors)`;

const bench = await createBenchDatabase("bench:api");
const benchUrl = bench.url;
let server: RunningServer | undefined;
try {
  const setup = createPostgresDatabase(benchUrl, { maxConnections: 4 });
  await migrate(setup);
  await seedDemoUsers(setup, { users: userCount, months: 12, seed: 42, now: new Date() });
  // Active users only: a deactivated user refuses a rename (409), which would count as an error.
  const ids = (await setup.query<{ id: string }>("SELECT id FROM users WHERE status = 'active' ORDER BY id")).map(
    (row) => row.id,
  );
  const [{ server_version: serverVersion } = { server_version: "?" }] = await setup.query<{ server_version: string }>(
    "SELECT current_setting('server_version') AS server_version",
  );
  await setup.exec("CREATE TABLE raw_events (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES)");
  await setup.close();

  server = await startProductionServer({
    DATABASE_URL: benchUrl,
    DATABASE_POOL_SIZE: String(concurrency),
    REWIND_BENCH_ROUTES: "1",
  });
  const { base } = server;

  console.log(`Machine: ${machineDescription(`PostgreSQL ${serverVersion}`)}`);
  console.log(
    `${userCount} seeded users; concurrency ${concurrency}; ${seconds} s per figure; autocannon, Next.js and PostgreSQL share the machine.\n`,
  );

  const rawPool = new pg.Pool({ connectionString: benchUrl, max: concurrency });
  const sample = JSON.stringify({ name: "Ada Lovelace", email: "ada@example.com" });
  const raw = await measure(concurrency, seconds, () =>
    rawPool.query({
      name: "raw",
      text: `INSERT INTO raw_events (stream_id, stream_type, version, type, data, metadata) VALUES ($1, 'user', 1, 'user.renamed', $2::jsonb, $3::jsonb)`,
      values: [`raw-${randomUUID()}`, sample, JSON.stringify({ eventId: randomUUID(), actor: "bench" })],
    }),
  );
  await rawPool.end();
  console.log(`raw INSERT commits (pg, c=${concurrency}): ${fixed(raw.perSecond)}/s`);

  const trivialRequest: autocannon.Request = {
    method: "POST",
    path: "/api/bench/echo",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "x" }),
  };
  // A fresh server compiles its code as it first runs it: measured first and cold, the trivial route
  // gave 193 req/s, and 505 once warm. Every route is driven unmeasured before any figure is taken.
  const warmUp = Math.min(5, seconds);
  // Keeps the request's headers (the API token): a rename without them is a 401, not a rename.
  const renameOf = (request: autocannon.Request, userId: string, name: string): autocannon.Request => ({
    ...request,
    method: "POST",
    path: `/api/users/${userId}/rename`,
    headers: { ...request.headers, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  let warmUpRenames = 0;
  const warmed = [
    await drive(base, trivialRequest, warmUp),
    await drive(
      base,
      { setupRequest: (request) => renameOf(request, ids[warmUpRenames % ids.length]!, `Warm ${warmUpRenames++}`) },
      warmUp,
    ),
    await drive(base, { method: "GET", path: `/api/users/${ids[1]}` }, warmUp),
    await drive(base, { method: "GET", path: `/api/users/${ids[1]}?version=1` }, warmUp),
    await drive(base, { method: "GET", path: "/api/users?limit=20" }, warmUp),
  ];
  // A warm-up that fails warms nothing (its renames once all failed, unauthenticated, unnoticed).
  const warmUpErrors = warmed.reduce((sum, figures) => sum + figures.errors, 0);
  if (warmUpErrors > 0) throw new Error(`The warm-up had ${warmUpErrors} errors: the figures would not be warm`);

  const trivial = await drive(base, trivialRequest);
  console.log(`trivial route (POST, parse JSON, answer): ${show(trivial)}`);

  let counter = 0;
  const rename = await drive(base, {
    setupRequest: (request) => {
      counter++;
      return renameOf(request, ids[counter % ids.length]!, `Bench Name ${counter}`);
    },
  });
  console.log(
    `POST rename: ${show(rename)} → ${ratio(rename.requests, raw.perSecond)} raw INSERT, ${ratio(rename.requests, trivial.requests)} trivial route`,
  );

  let reader = 0;
  const getUser = await drive(base, {
    method: "GET",
    setupRequest: (request) => ({ ...request, path: `/api/users/${ids[reader++ % ids.length]}` }),
  });
  console.log(`GET user: ${show(getUser)} → ${ratio(getUser.requests, trivial.requests)} trivial route`);
  const getVersion = await drive(base, {
    method: "GET",
    setupRequest: (request) => ({ ...request, path: `/api/users/${ids[reader++ % ids.length]}?version=1` }),
  });
  console.log(
    `GET user ?version=1: ${show(getVersion)} → ${ratio(getVersion.requests, trivial.requests)} trivial route`,
  );
  const list = await drive(base, { method: "GET", path: "/api/users?limit=20" });
  console.log(`GET users (first page of 20): ${show(list)} → ${ratio(list.requests, trivial.requests)} trivial route`);

  console.log(
    "\n| what (c=16) | req/s | p50 ms | p99 ms | errors | ratio to raw INSERT | ratio to trivial route |\n|---|---|---|---|---|---|---|",
  );
  console.log(
    `| raw INSERT commits (pg) | ${fixed(raw.perSecond)} | ${fixed(raw.p50, 1)} | ${fixed(raw.p99, 1)} | ${raw.errors} | 1.00× | |`,
  );
  const rows: [string, Figures][] = [
    ["trivial route (baseline)", trivial],
    ["POST /api/users/:id/rename", rename],
    ["GET /api/users/:id", getUser],
    ["GET /api/users/:id?version=1", getVersion],
    ["GET /api/users?limit=20", list],
  ];
  for (const [what, f] of rows) {
    console.log(
      `| ${what} | ${fixed(f.requests)} | ${f.p50} | ${f.p99} | ${f.errors} | ${ratio(f.requests, raw.perSecond)} | ${ratio(f.requests, trivial.requests)} |`,
    );
  }
} finally {
  await server?.stop();
  await bench.drop();
}
