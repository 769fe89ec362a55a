// `npm run bench:soak`: a bounded mixed load on the production server over loopback — 90% reads
// (a tenth of them time travel by version, instant or the whole list as of a moment; the feed and
// the reports too), 10% commands — at concurrency 32 for 10 minutes (default). Every minute: requests,
// errors, p50/p99 latency and the server's resident memory (from its own metrics). At the end: did
// anything fail, and did memory level off (the second half may grow by at most 10%)?
// Usage: DATABASE_URL=postgresql://… npm run bench:soak -- [--minutes 10] [--concurrency 32] [--users 2000] [--interval 60]
import { randomUUID } from "node:crypto";
import { seedDemoUsers } from "../../lib/application/users/seed-demo-users";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { createBenchDatabase } from "./database";
import { fixed, machineDescription, parseFlags, percentile } from "./harness";
import { startProductionServer, type RunningServer } from "./server";

const flags = parseFlags(process.argv.slice(2));
const minutes = Number(flags.get("minutes") ?? 10);
const concurrency = Number(flags.get("concurrency") ?? 32);
const userCount = Number(flags.get("users") ?? 2000);
const intervalSeconds = Number(flags.get("interval") ?? 60);

interface Operation {
  name: string;
  weight: number;
  request: () => { method: string; path: string; body?: unknown };
}

const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

const bench = await createBenchDatabase("bench:soak");
let server: RunningServer | undefined;
let failed: boolean;
try {
  const setup = createPostgresDatabase(bench.url, { maxConnections: 4 });
  await migrate(setup);
  const seeded = await seedDemoUsers(setup, { users: userCount, months: 12, seed: 7, now: new Date() });
  const users = await setup.query<{ id: string; version: number; created_at: Date }>(
    "SELECT id, version, created_at FROM users WHERE status = 'active' ORDER BY id",
  );
  const [{ head }] = (await setup.query<{ head: number }>("SELECT max(position)::bigint AS head FROM events")) as [
    { head: number },
  ];
  const firstAt = Math.min(...users.map((user) => user.created_at.getTime()));
  await setup.close();

  server = await startProductionServer({
    DATABASE_URL: bench.url,
    DATABASE_POOL_SIZE: String(concurrency),
    REWIND_DEMO_USERS: "0",
  });
  const { base } = server;
  const randomInstant = (since = firstAt) => new Date(since + Math.random() * (Date.now() - since)).toISOString();
  const operations: Operation[] = [
    { name: "GET user", weight: 30, request: () => ({ method: "GET", path: `/api/users/${pick(users).id}` }) },
    {
      name: "GET user at a version",
      weight: 15,
      request: () => {
        const user = pick(users);
        return { method: "GET", path: `/api/users/${user.id}?version=${1 + Math.floor(Math.random() * user.version)}` };
      },
    },
    {
      name: "GET user at an instant",
      weight: 8,
      // An instant in the user's life: before it, the user did not exist yet (a 404, rightly).
      request: () => {
        const user = pick(users);
        return { method: "GET", path: `/api/users/${user.id}?at=${randomInstant(user.created_at.getTime())}` };
      },
    },
    {
      name: "GET user's events",
      weight: 7,
      request: () => ({ method: "GET", path: `/api/users/${pick(users).id}/events` }),
    },
    { name: "GET users page", weight: 12, request: () => ({ method: "GET", path: "/api/users?limit=20" }) },
    {
      name: "GET users as of an instant",
      weight: 2,
      request: () => ({ method: "GET", path: `/api/users?limit=20&at=${randomInstant()}` }),
    },
    {
      name: "GET feed",
      weight: 8,
      request: () => ({ method: "GET", path: `/api/events?after=${Math.floor(Math.random() * head)}&limit=100` }),
    },
    {
      name: "GET name-changes report",
      weight: 5,
      request: () => ({ method: "GET", path: "/api/reports/name-changes?limit=50" }),
    },
    {
      name: "GET activity report",
      weight: 3,
      request: () => ({ method: "GET", path: "/api/reports/activity?bucket=week" }),
    },
    {
      name: "POST rename",
      weight: 8,
      request: () => ({
        method: "POST",
        path: `/api/users/${pick(users).id}/rename`,
        body: { name: `Soak ${randomUUID().slice(0, 8)}` },
      }),
    },
    {
      name: "POST change-email",
      weight: 2,
      request: () => ({
        method: "POST",
        path: `/api/users/${pick(users).id}/change-email`,
        body: { email: `soak-${randomUUID()}@example.com` },
      }),
    },
  ];
  const totalWeight = operations.reduce((sum, operation) => sum + operation.weight, 0);
  const choose = () => {
    let ticket = Math.random() * totalWeight;
    for (const operation of operations) if ((ticket -= operation.weight) < 0) return operation;
    return operations[0]!;
  };

  const readRss = async () => {
    const text = await (await fetch(`${base}/api/metrics`, { headers: server!.auth })).text();
    return Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN) / 2 ** 20;
  };

  console.log(`Machine: ${machineDescription("PostgreSQL (DATABASE_URL)")}`);
  console.log(
    `${seeded.users} seeded users (${seeded.events} events); concurrency ${concurrency}; ${minutes} min; reads ${operations
      .filter((operation) => operation.name.startsWith("GET"))
      .reduce((sum, operation) => sum + operation.weight, 0)}%, commands ${operations
      .filter((operation) => operation.name.startsWith("POST"))
      .reduce((sum, operation) => sum + operation.weight, 0)}%\n`,
  );
  console.log("minute | requests | req/s | errors | p50 ms | p99 ms | server RSS MiB");

  let window: number[] = [];
  let windowErrors = 0;
  const errorSamples: string[] = [];
  let totalRequests = 0;
  let totalErrors = 0;
  const rss: number[] = [await readRss()];
  const perOperation = new Map<string, number[]>();
  const deadline = Date.now() + minutes * 60_000;

  const worker = async () => {
    while (Date.now() < deadline) {
      const operation = choose();
      const { method, path, body } = operation.request();
      const started = performance.now();
      let ok = false;
      let detail = "";
      try {
        const response = await fetch(base + path, {
          method,
          headers: { ...server!.auth, ...(body ? { "content-type": "application/json" } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        ok = response.ok;
        if (!ok) detail = `${response.status} ${text.slice(0, 200)}`;
      } catch (error) {
        detail = String(error);
      }
      const elapsed = performance.now() - started;
      window.push(elapsed);
      (perOperation.get(operation.name) ?? perOperation.set(operation.name, []).get(operation.name)!).push(elapsed);
      totalRequests++;
      if (!ok) {
        windowErrors++;
        totalErrors++;
        if (errorSamples.length < 10) errorSamples.push(`${operation.name}: ${detail}`);
      }
    }
  };

  const reporter = (async () => {
    for (let minute = 1; Date.now() < deadline; minute++) {
      await new Promise((done) =>
        setTimeout(done, Math.min(intervalSeconds * 1000, Math.max(0, deadline - Date.now()))),
      );
      const sorted = window.sort((a, b) => a - b);
      const memory = await readRss();
      rss.push(memory);
      console.log(
        `${String(minute).padStart(6)} | ${String(sorted.length).padStart(8)} | ${fixed(sorted.length / intervalSeconds).padStart(5)} | ${String(windowErrors).padStart(6)} | ${fixed(percentile(sorted, 0.5), 1).padStart(6)} | ${fixed(percentile(sorted, 0.99), 1).padStart(6)} | ${fixed(memory, 1).padStart(14)}`,
      );
      window = [];
      windowErrors = 0;
    }
  })();
  await Promise.all([...Array.from({ length: concurrency }, worker), reporter]);

  console.log("\nper operation (whole run): p50 / p99 ms");
  for (const [name, latencies] of perOperation) {
    const sorted = latencies.sort((a, b) => a - b);
    console.log(
      `  ${name.padEnd(28)} ${String(sorted.length).padStart(7)} requests  ${fixed(percentile(sorted, 0.5), 1)} / ${fixed(percentile(sorted, 0.99), 1)}`,
    );
  }
  const half = Math.floor(rss.length / 2);
  const growth = rss.length > 2 ? (rss.at(-1)! - rss[half]!) / rss[half]! : 0;
  const levelsOff = growth <= 0.1;
  console.log(
    `\n${totalRequests} requests, ${totalErrors} errors; server RSS ${fixed(rss[0]!, 1)} MiB at the start, ${fixed(rss[half]!, 1)} MiB at half time, ${fixed(rss.at(-1)!, 1)} MiB at the end (${growth >= 0 ? "+" : ""}${fixed(growth * 100, 1)}% over the second half: ${levelsOff ? "levels off" : "STILL GROWING"})`,
  );
  if (errorSamples.length > 0) console.log(`first errors:\n  ${errorSamples.join("\n  ")}`);
  failed = totalErrors > 0 || !levelsOff;
} finally {
  await server?.stop();
  await bench.drop();
}
process.exit(failed ? 1 : 0);
