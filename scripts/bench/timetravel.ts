// `npm run bench:timetravel`: the as-of user list (`GET /api/users?at=`) read from the temporal index,
// beside the fold it replaced (every user stream folded up to the instant) on the same data, in the
// same run. Seeds once: the database `--database` (default rewind_timetravel_<users>) on the server of
// DATABASE_URL is kept and reused by the next run; drop it by hand when done.
// It seeds in bulk (the same rows as the store's seeder, lib/application/users/seed-demo-users-in-bulk.ts).
// Usage: DATABASE_URL=postgresql://… npm run bench:timetravel -- [--users 100000] [--repeats 40] [--fold-repeats 3] [--verify] [--seed-only]
// --only <text> runs the scenarios whose label contains it; --fold-repeats 0 leaves the fold out (at a million users it would hold ~10M decrypted events in memory).
import { loadavg } from "node:os";
import pg from "pg";
import { seedDemoUsersInBulk } from "../../lib/application/users/seed-demo-users-in-bulk";
import { decodeCursor, listUsers, type UserListQuery } from "../../lib/application/users/user-queries";
import { buildUserVersionsIfMissing, checkUserVersions } from "../../lib/application/users/user-versions";
import { closeDatabase, provideDatabase } from "../../lib/db";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { listUsersByFolding, listUsersByFoldingOnTwoAxes } from "../../lib/testing/users-as-of-fold";
import { fixed, machineDescription, parseFlags, percentile, timeRepeatedly } from "./harness";

const flags = parseFlags(process.argv.slice(2));
const users = Number(flags.get("users") ?? 100_000);
const repeats = Number(flags.get("repeats") ?? 40);
const foldRepeats = Number(flags.get("fold-repeats") ?? (users > 200_000 ? 1 : 3));
const databaseName = flags.get("database") ?? `rewind_timetravel_${users}`;
if (!/^[a-z_][a-z0-9_]*$/.test(databaseName))
  throw new Error(`--database: ${databaseName} is not a plain lower-case name`);

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error(
    "bench:timetravel measures a PostgreSQL server: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test).",
  );
  process.exit(1);
}
const benchUrl = Object.assign(new URL(serverUrl), { pathname: `/${databaseName}` }).toString();

async function onServer<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

// A database is reused only when its seeding finished (it then holds the bench_seeded row).
const exists = (await onServer("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName])).length > 0;
let database = createPostgresDatabase(benchUrl, { maxConnections: 4 });
const seededBefore =
  exists &&
  (await database.query<{ done: boolean }>("SELECT to_regclass('bench_seeded') IS NOT NULL AS done"))[0]?.done;
if (!seededBefore) {
  await database.close();
  await onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${databaseName}`);
  database = createPostgresDatabase(benchUrl, { maxConnections: 4 });
}
try {
  await migrate(database);
  provideDatabase(database);
  // A database seeded before a migration that emptied the index (the effective axis, 20261202010000)
  // gets it rebuilt from the log, as the server does at start-up.
  if (seededBefore) {
    const rebuilt = await buildUserVersionsIfMissing(database);
    if (rebuilt) console.log(`Rebuilt the temporal index from the log (${rebuilt.users} users)`);
  }
  if (!seededBefore) {
    const started = performance.now();
    const report = await seedDemoUsersInBulk(
      database,
      { users, months: 12, seed: 18, now: new Date() },
      (done, total) => process.stderr.write(`\rseeding ${done}/${total} users`),
    );
    process.stderr.write("\n");
    await database.query("VACUUM ANALYZE");
    await database.query(
      "CREATE TABLE bench_seeded AS SELECT now() AS seeded_at, $1::int AS users, $2::int AS events",
      [report.users, report.events],
    );
    console.log(
      `Seeded ${report.users} users, ${report.events} events in ${fixed((performance.now() - started) / 1000)} s`,
    );
  } else console.log(`Reusing the seeded database ${databaseName}`);
  if (flags.has("seed-only")) process.exit(0);

  const [{ server_version: serverVersion } = { server_version: "?" }] = await database.query<{
    server_version: string;
  }>("SELECT current_setting('server_version') AS server_version");
  const [counts] = await database.query<{ users: number; events: number; versions: number; first: Date; last: Date }>(
    `SELECT (SELECT users FROM bench_seeded) AS users, (SELECT events FROM bench_seeded) AS events,
            (SELECT count(*)::int FROM user_versions) AS versions,
            (SELECT min(recorded_at) FROM events) AS first, (SELECT max(recorded_at) FROM events) AS last`,
  );
  const { first, last } = counts!;
  console.log(
    `Machine: ${machineDescription(`PostgreSQL ${serverVersion}`)} — shared with other work: figures are noisy`,
  );
  console.log(
    `${counts!.users} users, ${counts!.events} events, ${counts!.versions} rows in user_versions; p50/p95 of ${repeats} runs of the index after a warm-up, ${foldRepeats} of the fold.\n`,
  );

  const instant = (fraction: number) => new Date(first.getTime() + fraction * (last.getTime() - first.getTime()));
  const scenarios: { label: string; at: Date; query: Omit<UserListQuery, "at" | "cursor">; page?: number }[] = [
    { label: "at the middle of the history, first page of 20", at: instant(0.5), query: { limit: 20 } },
    { label: "near the start (10%), first page of 20", at: instant(0.1), query: { limit: 20 } },
    { label: "near the end (95%), first page of 20", at: instant(0.95), query: { limit: 20 } },
    { label: "at the middle, 50th page of 20 (cursor)", at: instant(0.5), query: { limit: 20 }, page: 50 },
    { label: "at the middle, status=deactivated", at: instant(0.5), query: { limit: 20, status: "deactivated" } },
    { label: "at the middle, q=smith (no match)", at: instant(0.5), query: { limit: 20, q: "smith" } },
    { label: "at the middle, q=lovelace", at: instant(0.5), query: { limit: 20, q: "lovelace" } },
    { label: "at the middle, q=example.io", at: instant(0.5), query: { limit: 20, q: "example.io" } },
  ];
  const only = flags.get("only");
  if (only) scenarios.splice(0, scenarios.length, ...scenarios.filter((scenario) => scenario.label.includes(only)));
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(", ");
  console.log(`Load average (1, 5, 15 min) before the scenarios: ${load()}`);
  const rows: string[] = [];
  for (const scenario of scenarios) {
    // The cursor of the wanted page, walked to once through the index.
    let cursor: string | null = null;
    for (let page = 1; page < (scenario.page ?? 1); page++) {
      cursor = (await listUsers({ ...scenario.query, at: scenario.at }, cursor ? decodeCursor(cursor) : undefined))
        .nextCursor;
    }
    const position = cursor ? decodeCursor(cursor) : undefined;
    const fromIndex = () => listUsers({ ...scenario.query, at: scenario.at }, position);
    await timeRepeatedly(3, fromIndex);
    const index = await timeRepeatedly(repeats, fromIndex);
    const a = await fromIndex();
    let foldColumns = "— | — | not compared";
    if (foldRepeats > 0) {
      // The last timed fold's answer is the one compared: a fold takes minutes at this size.
      let folded: unknown;
      const fold = await timeRepeatedly(foldRepeats, async () => {
        folded = await listUsersByFolding(database, scenario.query, scenario.at, position);
      });
      const same = JSON.stringify(a) === JSON.stringify(folded);
      foldColumns = `${fixed(percentile(fold, 0.5))} | 1/${Math.round(percentile(fold, 0.5) / percentile(index, 0.5)).toLocaleString("en")} | ${same ? "yes" : "NO"}`;
    }
    rows.push(
      `| ${scenario.label} | ${fixed(percentile(index, 0.5), 1)} | ${fixed(percentile(index, 0.95), 1)} | ${a.total} | ${foldColumns} |`,
    );
    console.log(rows[rows.length - 1]);
  }
  console.log(`Load average (1, 5, 15 min) after them: ${load()}`);
  console.log("\n| as-of list | index p50 ms | index p95 ms | total | fold p50 ms | index / fold | same answer |");
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);

  await measureTwoAxes(instant);

  if (flags.has("verify")) {
    const started = performance.now();
    const check = await checkUserVersions(database, { repair: false });
    console.log(
      `\nnpm run db:user-versions (verify only): ${check.users} users in ${fixed((performance.now() - started) / 1000, 1)} s, ${check.differing.length} differing`,
    );
  }
} finally {
  await closeDatabase();
}

/**
 * The list on both time axes (`?at=&knownAt=`, docs/decisions/025): effective at one instant as known
 * at another, from the index, beside the brute-force fold on two axes.
 */
async function measureTwoAxes(instant: (fraction: number) => Date) {
  const points: {
    label: string;
    at?: Date;
    knownAt?: Date;
    query: Omit<UserListQuery, "at" | "knownAt" | "cursor">;
  }[] = [
    { label: "effective 50%, known now", at: instant(0.5), query: { limit: 20 } },
    { label: "effective 50%, known at 75%", at: instant(0.5), knownAt: instant(0.75), query: { limit: 20 } },
    { label: "effective 90%, known at 50% (clamped)", at: instant(0.9), knownAt: instant(0.5), query: { limit: 20 } },
    {
      label: "effective 50%, known at 75%, status=deactivated",
      at: instant(0.5),
      knownAt: instant(0.75),
      query: { limit: 20, status: "deactivated" },
    },
  ];
  const rows: string[] = [];
  for (const { label, query, ...point } of points) {
    const fromIndex = () => listUsers({ ...query, ...point }, undefined);
    await timeRepeatedly(3, fromIndex);
    const index = await timeRepeatedly(repeats, fromIndex);
    const a = await fromIndex();
    let foldColumns = `— | ${a.total} | not compared`;
    if (foldRepeats > 0) {
      let folded: unknown;
      const fold = await timeRepeatedly(foldRepeats, async () => {
        folded = await listUsersByFoldingOnTwoAxes(database, query, point, undefined);
      });
      foldColumns = `${fixed(percentile(fold, 0.5))} | ${a.total} | ${JSON.stringify(a) === JSON.stringify(folded) ? "yes" : "NO"}`;
    }
    rows.push(
      `| ${label} | ${fixed(percentile(index, 0.5), 1)} | ${fixed(percentile(index, 0.95), 1)} | ${foldColumns} |`,
    );
  }
  console.log("\n| list on two axes | index p50 ms | index p95 ms | fold p50 ms | total | same answer |");
  console.log("|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}
