// What operators ask of a running Rewind: is it ready for traffic, and the readings behind its
// metrics. Both must answer — with "no" — while the database is down, never hang or throw.
import { readMigrations } from "../db/migrate";
import type { DatabaseReadings } from "../observability/metrics";
import { projectionViews } from "./projections";
import { getServices } from "./services";

const checkTimeoutMs = 3_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${checkTimeoutMs / 1000} s`)),
      checkTimeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  status: "ready" | "not ready";
  checks: { database: ReadinessCheck; migrations: ReadinessCheck; projections: ReadinessCheck };
}

const reasonOf = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split("\n", 1)[0]!.slice(0, 200);

async function check(work: () => Promise<string>, what: string): Promise<ReadinessCheck> {
  try {
    return { ok: true, detail: await withTimeout(work(), what) };
  } catch (error) {
    return { ok: false, detail: reasonOf(error) };
  }
}

export async function readiness(): Promise<Readiness> {
  const database = await check(async () => {
    const { database } = await getServices();
    await database.query("SELECT 1");
    return database.backend === "pglite" ? "embedded PGlite answers" : "PostgreSQL answers";
  }, "The database");
  const unavailable = { ok: false, detail: "Not checked: the database does not answer" };
  const migrations = !database.ok
    ? unavailable
    : await check(async () => {
        const { database } = await getServices();
        const [files, applied] = await Promise.all([
          readMigrations(),
          database.query<{ migration_name: string }>(
            `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          ),
        ]);
        const appliedNames = new Set(applied.map((row) => row.migration_name));
        const pending = files.filter((file) => !appliedNames.has(file.name)).map((file) => file.name);
        if (pending.length > 0) throw new Error(`Not applied: ${pending.join(", ")}`);
        return `${files.length} applied`;
      }, "The migration history");
  const projections = !database.ok
    ? unavailable
    : await check(async () => {
        const failing = (await projectionViews()).filter((view) => view.state === "failing");
        if (failing.length > 0)
          throw new Error(
            `Failing: ${failing.map((view) => `${view.name} (${view.lastError ?? "error"})`).join(", ")}`,
          );
        return "none failing";
      }, "The projections");
  const ready = database.ok && migrations.ok && projections.ok;
  return { status: ready ? "ready" : "not ready", checks: { database, migrations, projections } };
}

/** What the metrics' database gauges show; undefined when the database does not answer. */
export async function databaseReadings(): Promise<DatabaseReadings | undefined> {
  try {
    return await withTimeout(
      (async () => {
        const { database } = await getServices();
        // Every event committed — not only those the feed shows yet (it holds back behind older transactions).
        const [[counted], views] = await Promise.all([
          database.query<{ events: number }>("SELECT count(*)::bigint AS events FROM events"),
          projectionViews(),
        ]);
        const eventsInLog = counted?.events ?? 0;
        const pool =
          database.backend === "postgres"
            ? { size: database.pool.totalCount, idle: database.pool.idleCount, waiting: database.pool.waitingCount }
            : undefined;
        return {
          eventsInLog,
          projections: views.map((view) => ({
            name: view.name,
            lagEvents: view.lagEvents,
            lagSeconds: view.lagSeconds,
            failing: view.state === "failing",
          })),
          pool,
        };
      })(),
      "The database",
    );
  } catch {
    return undefined;
  }
}
