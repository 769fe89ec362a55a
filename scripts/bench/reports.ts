// `npm run bench:reports`: the reports on ~1M events (100,000 users) in PostgreSQL, each beside the
// naive answer in the same run — the same question asked of the events table directly.
// Usage: DATABASE_URL=postgresql://… npm run bench:reports -- [--users 100000] [--repeats 20] [--from-database NAME]
// Seeds in bulk (lib/application/users/seed-demo-users-in-bulk.ts); --from-database starts instead from a copy of a
// database bench:timetravel seeded (e.g. rewind_timetravel_100000), which stays as it is.

import pg from "pg";
import { GET as activityRoute } from "../../app/api/reports/activity/route";
import { GET as nameChangesRoute } from "../../app/api/reports/name-changes/route";
import { ensureFirstAdmin } from "../../lib/application/auth/admins";
import { createApiToken } from "../../lib/application/auth/api-tokens";
import { getServices } from "../../lib/application/services";
import { activityProjection, activitySeries } from "../../lib/application/users/activity-projection";
import { nameChangesProjection } from "../../lib/application/users/name-changes-projection";
import { seedDemoUsersInBulk } from "../../lib/application/users/seed-demo-users-in-bulk";
import { closeDatabase, provideDatabase } from "../../lib/db";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { rebuildProjection } from "../../lib/projections/rebuild";
import { runBatch } from "../../lib/projections/runner";
import { createSavedReport, getSavedReport, savedReportProjection } from "../../lib/application/reports/saved-reports";
import { createBenchDatabase } from "./database";
import { fixed, machineDescription, parseFlags, percentile, timeRepeatedly } from "./harness";

const flags = parseFlags(process.argv.slice(2));
const users = Number(flags.get("users") ?? 100_000);
const repeats = Number(flags.get("repeats") ?? 10);

let authorization = "";
const call = async (route: typeof nameChangesRoute, path: string) => {
  const response = await route(new Request(`http://rewind.test${path}`, { headers: { authorization } }), {
    params: Promise.resolve({}),
  });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.text();
};

// The naive answers: the same questions asked of the events table.
const naiveNameChanges = (limit: string) => `
WITH renames AS (
  SELECT stream_id, version, data->>'previousName' AS previous_name, data->>'name' AS name, recorded_at FROM events
   WHERE type = 'user.renamed' AND recorded_at >= $1 AND recorded_at < $2 AND recorded_at <= $3
), per_user AS (
  SELECT stream_id, count(*) AS renames, min(recorded_at) AS first_rename_at, max(recorded_at) AS last_rename_at,
         (array_agg(previous_name ORDER BY version))[1] AS name_before, array_agg(name ORDER BY version) AS new_names
    FROM renames GROUP BY stream_id
), latest AS (
  SELECT DISTINCT ON (stream_id) stream_id, data->>'name' AS current_name FROM events
   WHERE type = 'user.renamed' AND recorded_at <= $3 ORDER BY stream_id, version DESC
)
SELECT p.*, l.current_name FROM per_user p JOIN latest l USING (stream_id)
 ORDER BY last_rename_at DESC, stream_id DESC ${limit}`;
const naiveActivity = `
SELECT date_trunc('week', recorded_at) AS start, type, count(*) FROM events
 WHERE type = ANY($1::text[]) AND recorded_at >= $2 AND recorded_at < $3 GROUP BY 1, 2 ORDER BY 1`;

const template = flags.get("from-database");
const bench = await createBenchDatabase("bench:reports", template);
const benchUrl = bench.url;
try {
  const database = createPostgresDatabase(benchUrl, { maxConnections: 8 });
  await migrate(database);
  provideDatabase(database);
  const services = await getServices();
  // The reports are called as a service would call them: with an API token.
  const admin = await ensureFirstAdmin(database, {
    ADMIN_EMAIL: "bench-admin@rewind.test",
    ADMIN_PASSWORD: "bench admin password",
  });
  const [{ id: adminId } = { id: "" }] = await database.query<{ id: string }>(
    "SELECT id FROM admins WHERE email = $1",
    [admin!.email],
  );
  authorization = `Bearer ${(await createApiToken(database, "benchmark", ["read"], adminId)).token}`;
  const seeded =
    template === undefined
      ? await seedDemoUsersInBulk(database, { users, months: 12, seed: 9, now: new Date() })
      : (await database.query<{ users: number; events: number }>("SELECT users, events FROM bench_seeded"))[0]!;
  for (const projection of [nameChangesProjection, activityProjection])
    await rebuildProjection(services, projection, { batchSize: 2000 });

  // A saved report's catch-up (the runner, from the first event) beside a rebuild of the built-in
  // projection that answers the nearest question (events per day and type), on the same log.
  const rebuildStarted = performance.now();
  await rebuildProjection(services, activityProjection, { batchSize: 1000 });
  const rebuildSeconds = (performance.now() - rebuildStarted) / 1000;
  const saved = await createSavedReport(
    database,
    {
      name: "Deactivations per month by category",
      eventTypes: ["user.deactivated"],
      count: "events",
      period: "month",
      groupBy: "data.category",
    },
    "admin:bench",
  );
  const catchUpStarted = performance.now();
  const projection = savedReportProjection(await getSavedReport(database, saved.id));
  while ((await runBatch(database, services.store, projection)) > 0);
  const catchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  const [{ server_version: serverVersion } = { server_version: "?" }] = await database.query<{
    server_version: string;
  }>("SELECT current_setting('server_version') AS server_version");
  console.log(`Machine: ${machineDescription(`PostgreSQL ${serverVersion}`)}`);
  console.log(
    `${seeded.users} users, ${seeded.events} events; p50 of ${repeats} runs after a warm-up; the naive answer in the same run.\n`,
  );
  const rate = (seconds: number) => Math.round(seeded.events / seconds);
  console.log(
    `| catch-up over the whole log | saved report "deactivations per month by category" | rebuild of activity_daily (baseline) | ratio |\n|---|---|---|---|\n` +
      `| events per second | ${rate(catchUpSeconds).toLocaleString("en")} (${fixed(catchUpSeconds, 1)} s) | ${rate(rebuildSeconds).toLocaleString("en")} (${fixed(rebuildSeconds, 1)} s) | ${fixed(rebuildSeconds / catchUpSeconds, 2)}× |\n`,
  );

  const now = new Date();
  const sixMonthsAgo = new Date(now);
  sixMonthsAgo.setUTCMonth(now.getUTCMonth() - 6);
  const asOf = new Date(now.getTime() - 90 * 86_400_000);
  const asOfFrom = new Date(asOf);
  asOfFrom.setUTCMonth(asOf.getUTCMonth() - 6);
  const pool = new pg.Pool({ connectionString: benchUrl, max: 2 });
  const naive = (sql: string, values: unknown[]) => () => pool.query(sql, values);
  const p50 = async (operation: () => Promise<unknown>) => {
    await operation();
    return percentile(await timeRepeatedly(repeats, operation), 0.5);
  };

  const rows: [string, number, number, string][] = [];
  const measure = async (
    what: string,
    ours: () => Promise<unknown>,
    baseline: () => Promise<unknown>,
    goal: string,
    once = false,
  ) => {
    const oursMs = once ? (await timeRepeatedly(3, ours))[1]! : await p50(ours);
    const baselineMs = once ? (await timeRepeatedly(3, baseline))[1]! : await p50(baseline);
    console.log(`${what}: ${fixed(oursMs, 1)} ms (naive ${fixed(baselineMs, 1)} ms)`);
    rows.push([what, oursMs, baselineMs, goal]);
  };

  await measure(
    "name changes, past six months, first page of 100 (p50)",
    () => call(nameChangesRoute, "/api/reports/name-changes?limit=100"),
    naive(naiveNameChanges("LIMIT 100"), [sixMonthsAgo, now, now]),
    "≤ 50 ms",
  );
  await measure(
    "name changes, full CSV (median of 3)",
    () => call(nameChangesRoute, "/api/reports/name-changes?format=csv"),
    naive(naiveNameChanges(""), [sixMonthsAgo, now, now]),
    "≤ 2,000 ms",
    true,
  );
  await measure(
    "activity per week, past six months (p50)",
    () => call(activityRoute, "/api/reports/activity?bucket=week"),
    naive(naiveActivity, [Object.keys(activitySeries), sixMonthsAgo, now]),
    "≤ 100 ms",
  );
  await measure(
    "name changes as of 90 days ago, first page (p50)",
    () => call(nameChangesRoute, `/api/reports/name-changes?limit=100&asOf=${asOf.toISOString()}`),
    naive(naiveNameChanges("LIMIT 100"), [asOfFrom, asOf, asOf]),
    "≤ 1,000 ms",
  );
  await measure(
    "activity per week as of 90 days ago (p50)",
    () => call(activityRoute, `/api/reports/activity?bucket=week&asOf=${asOf.toISOString()}`),
    naive(naiveActivity, [Object.keys(activitySeries), asOfFrom, asOf]),
    "≤ 1,000 ms",
  );
  await pool.end();

  console.log("\n| report | Rewind (from projections) | naive (events table) | ratio | goal |\n|---|---|---|---|---|");
  for (const [what, ours, baseline, goal] of rows)
    console.log(
      `| ${what} | ${fixed(ours, 1)} ms | ${fixed(baseline, 1)} ms | ${fixed(ours / baseline, 2)}× | ${goal} |`,
    );
} finally {
  await closeDatabase().catch(() => {});
  await bench.drop();
}
