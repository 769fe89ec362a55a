// Applies prisma/migrations/*/migration.sql and records each in `_prisma_migrations` exactly as
// `prisma migrate deploy` does, so either tool can take over from the other. Ours exists because
// Prisma's schema engine is a native binary that cannot be downloaded everywhere Rewind runs
// (docs/decisions/002-own-migration-runner.md).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Connection, Database } from "./database";

/** The advisory lock key Prisma's schema engine takes around migrations: both tools exclude each other. */
export const PRISMA_MIGRATION_LOCK_KEY = 72707369;

export const defaultMigrationsDirectory = path.join(process.cwd(), "prisma", "migrations");

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** sha256 of the file's bytes, hex: the checksum Prisma stores. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export async function readMigrations(directory = defaultMigrationsDirectory): Promise<MigrationFile[]> {
  const entries = await readdir(/*turbopackIgnore: true*/ directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(/*turbopackIgnore: true*/ path.join(directory, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

// Prisma's own DDL for its history table, byte for byte in meaning.
const createHistoryTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface HistoryRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

// Within one process the session-level advisory lock is re-entrant (PGlite has a single session),
// so concurrent runs in this process also queue here.
let inProcessQueue: Promise<unknown> = Promise.resolve();

export function migrate(database: Database, migrations?: MigrationFile[]): Promise<MigrationReport> {
  const run = inProcessQueue.then(async () => {
    const files = migrations ?? (await readMigrations());
    return database.withConnection(async (connection) => {
      await connection.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK_KEY]);
      try {
        return await applyPending(connection, files);
      } finally {
        await connection.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK_KEY]);
      }
    });
  });
  inProcessQueue = run.catch(() => {});
  return run;
}

async function applyPending(connection: Connection, files: MigrationFile[]): Promise<MigrationReport> {
  await connection.exec(createHistoryTable);
  const history = await connection.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  const recorded = new Map(history.map((row) => [row.migration_name, row]));
  const report: MigrationReport = { applied: [], alreadyApplied: [] };

  for (const file of files) {
    const row = recorded.get(file.name);
    if (row && row.finished_at === null) {
      throw new MigrationError(
        `Migration ${file.name} started but never finished (a failed \`prisma migrate deploy\`?). ` +
          `Resolve it first: its logs say: ${row.logs ?? "nothing"}`,
      );
    }
    if (row) {
      if (row.checksum !== file.checksum) {
        throw new MigrationError(
          `Migration ${file.name} was modified after it was applied: the database recorded checksum ` +
            `${row.checksum}, the file on disk has ${file.checksum}. Restore the original file and put ` +
            `the change in a new migration.`,
        );
      }
      report.alreadyApplied.push(file.name);
      continue;
    }
    await applyOne(connection, file);
    report.applied.push(file.name);
  }
  return report;
}

async function applyOne(connection: Connection, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await connection.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, file.checksum, file.name],
      );
      await tx.exec(file.sql);
      await tx.query(
        `UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
    });
  } catch (error) {
    // The transaction rolled the migration back whole; the history keeps why, marked rolled back,
    // so the next run tries again (Prisma treats rolled-back rows the same way).
    const message = error instanceof Error ? error.message : String(error);
    await connection.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, rolled_back_at, logs, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), $4, 0)`,
      [id, file.checksum, file.name, message],
    );
    throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${message}`);
  }
}
