// Rebuilding a projection from the first event without readers ever seeing it half-built: the
// events are applied to empty copies of its tables while the live ones keep serving (and keep
// being updated); then, in one transaction, the copies replace the live tables and the checkpoint
// moves to where the copies got to. The runner carries on from there.
import type { Database, Queryable } from "../db/database";
import { CodedError } from "../errors";
import type { EventStore } from "../eventstore";
import { ensureCheckpoint } from "./checkpoints";
import { liveTables, type Projection, type TableName } from "./projection";

export type ProjectionErrorCode = "rebuild_in_progress";

export class RebuildInProgress extends CodedError<ProjectionErrorCode> {
  readonly code = "rebuild_in_progress";
  constructor(name: string) {
    super(`Projection ${name} is being rebuilt already`);
    this.name = "RebuildInProgress";
  }
}

const shadowOf = (table: string) => `${table}__rebuild`;

const lockNotAvailable = "55P03";
const swapAttempts = 100;

/**
 * Runs the swap in a transaction that first takes every table it replaces, all at once, giving up
 * after a moment when a reader holds one (and trying again soon). Readers take their tables one by
 * one in an order of the planner's choosing: a swap that waited while holding some of them could
 * deadlock with a report that holds the others — and PostgreSQL would abort one of the two.
 */
async function swapWhenTablesAreFree(
  database: Database,
  projection: Projection,
  swap: Parameters<Database["transaction"]>[0],
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.transaction(async (tx) => {
        // First the checkpoint, as a runner's batch takes it (before the tables): waits for a batch
        // in progress, and holds the next one back until the swap is done.
        await tx.query(`SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, [projection.name]);
        await tx.exec(`SET LOCAL lock_timeout = '200ms'`);
        const tables = projection.tables.flatMap((table) => [table, shadowOf(table)]);
        await tx.exec(`LOCK TABLE ${tables.map((table) => `"${table}"`).join(", ")} IN ACCESS EXCLUSIVE MODE`);
        await tx.exec(`SET LOCAL lock_timeout = 0`);
        return swap(tx);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== lockNotAvailable || attempt >= swapAttempts) throw error;
      await new Promise((done) => setTimeout(done, 20 + Math.random() * 80));
    }
  }
}
const shadowTables: TableName = shadowOf;

/**
 * Erases one user's personal data from the projection: its live tables, then the copies a rebuild
 * is filling. In this order no swap slips in between: once the live tables are written to, a swap
 * (which locks them exclusively) waits for the end of the transaction; and a swap done before finds
 * no copies left.
 */
export async function eraseFromProjection(tx: Queryable, projection: Projection, userId: string): Promise<void> {
  if (!projection.erase) return;
  await projection.erase(tx, userId, liveTables);
  const [copies] = await tx.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    shadowOf(projection.tables[0]!),
  ]);
  if (copies?.present) await projection.erase(tx, userId, shadowTables);
}
/** A rebuild that made no progress for this long is taken to have died with its process. */
const abandonedAfter = "10 minutes";

export async function rebuildProjection(
  { database, store }: { database: Database; store: EventStore },
  projection: Projection,
  { batchSize = 1000, onProgress }: { batchSize?: number; onProgress?: (applied: number, total: number) => void } = {},
): Promise<{ applied: number; position: number }> {
  await ensureCheckpoint(database, projection);
  const [{ total } = { total: 0 }] = await database.query<{ total: number }>(
    "SELECT count(*)::bigint AS total FROM events",
  );
  const claimed = await database.query(
    `UPDATE projection_checkpoints SET rebuild_started_at = now(), rebuild_applied = 0, rebuild_total = $2, updated_at = now()
      WHERE name = $1 AND (rebuild_started_at IS NULL OR updated_at < now() - interval '${abandonedAfter}') RETURNING 1`,
    [projection.name, total],
  );
  if (claimed.length === 0) throw new RebuildInProgress(projection.name);

  try {
    for (const table of projection.tables) {
      await database.exec(
        `DROP TABLE IF EXISTS "${shadowOf(table)}"; CREATE TABLE "${shadowOf(table)}" (LIKE "${table}" INCLUDING ALL)`,
      );
    }
    let cursor = 0;
    let applied = 0;
    const readAfter = (after: number) => store.readAll({ after, limit: batchSize, keepTypes: projection.eventTypes });
    // The next page is read (and decoded) while this one is written: reading does not depend on the
    // shadow tables, and the two use different connections (PGlite simply takes them in turn).
    let reading = readAfter(cursor);
    let progressWrittenAt = 0;
    for (;;) {
      const page = await reading;
      if (page.scanned === 0) break;
      reading = readAfter(page.lastPosition);
      // A failed write must not leave the read ahead unobserved.
      reading.catch(() => {});
      if (page.events.length > 0) await database.transaction((tx) => projection.apply(tx, page.events, shadowTables));
      cursor = page.lastPosition;
      applied += page.scanned;
      // Progress (and the heartbeat that says this rebuild is alive) a few times a second, not per batch.
      if (performance.now() - progressWrittenAt >= 200) {
        progressWrittenAt = performance.now();
        await database.query(
          `UPDATE projection_checkpoints SET rebuild_applied = $2, updated_at = now() WHERE name = $1`,
          [projection.name, applied],
        );
      }
      onProgress?.(applied, Math.max(total, applied));
    }

    // Freshly filled tables have no planner statistics until autovacuum comes by; without them the
    // first queries after the swap choose plans for empty tables (seen: a report 10× slower).
    for (const table of projection.tables) await database.exec(`ANALYZE "${shadowOf(table)}"`);

    await swapWhenTablesAreFree(database, projection, async (tx) => {
      for (const table of projection.tables) {
        const shadow = shadowOf(table);
        const indexes = await tx.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
          [shadow],
        );
        await tx.exec(`DROP TABLE "${table}"; ALTER TABLE "${shadow}" RENAME TO "${table}"`);
        // The copy's indexes were named after it; give them (and their constraints) the live names.
        for (const { indexname } of indexes) {
          if (indexname.startsWith(shadow))
            await tx.exec(`ALTER INDEX "${indexname}" RENAME TO "${table}${indexname.slice(shadow.length)}"`);
        }
      }
      await tx.query(
        `UPDATE projection_checkpoints
            SET version = $2, position = $3, caught_up_at = NULL, last_error = NULL, updated_at = now(),
                rebuild_started_at = NULL, rebuild_applied = NULL, rebuild_total = NULL
          WHERE name = $1`,
        [projection.name, projection.version, cursor],
      );
    });
    return { applied, position: cursor };
  } catch (error) {
    await database
      .query(
        `UPDATE projection_checkpoints SET rebuild_started_at = NULL, rebuild_applied = NULL, rebuild_total = NULL WHERE name = $1`,
        [projection.name],
      )
      .catch(() => {});
    for (const table of projection.tables)
      await database.exec(`DROP TABLE IF EXISTS "${shadowOf(table)}"`).catch(() => {});
    throw error;
  }
}
