// Each projection's checkpoint (projection_checkpoints): how far it has applied the feed, at which
// version of its code, its last error and a rebuild's progress. The runner and rebuilds both use it.
import type { Database } from "../db/database";
import type { Projection } from "./projection";

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  caughtUpAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  updatedAt: Date;
  rebuild: { startedAt: Date; applied: number; total: number } | null;
}

export async function ensureCheckpoint(database: Database, projection: Projection): Promise<void> {
  await database.query({
    name: "projections.ensure",
    text: `INSERT INTO projection_checkpoints (name, version) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
    values: [projection.name, projection.version],
  });
}

/** The projection's checkpoint, created on first use: one read, and a write only the first time. */
export async function checkpointOf(database: Database, projection: Projection): Promise<ProjectionStatus> {
  const status = await readStatus(database, projection.name);
  if (status) return status;
  await ensureCheckpoint(database, projection);
  return (await readStatus(database, projection.name))!;
}

export async function readStatus(database: Database, name: string): Promise<ProjectionStatus | undefined> {
  const [row] = await database.query<{
    name: string;
    version: number;
    position: number;
    caught_up_at: Date | null;
    last_error: string | null;
    last_error_at: Date | null;
    updated_at: Date;
    rebuild_started_at: Date | null;
    rebuild_applied: number | null;
    rebuild_total: number | null;
  }>({
    name: "projections.status",
    text: `SELECT name, version, position, caught_up_at, last_error, last_error_at, updated_at,
                  rebuild_started_at, rebuild_applied, rebuild_total
             FROM projection_checkpoints WHERE name = $1`,
    values: [name],
  });
  return (
    row && {
      name: row.name,
      version: row.version,
      position: row.position,
      caughtUpAt: row.caught_up_at,
      lastError: row.last_error,
      lastErrorAt: row.last_error_at,
      updatedAt: row.updated_at,
      rebuild: row.rebuild_started_at
        ? { startedAt: row.rebuild_started_at, applied: row.rebuild_applied ?? 0, total: row.rebuild_total ?? 0 }
        : null,
    }
  );
}
