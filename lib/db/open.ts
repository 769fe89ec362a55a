// Opens the configured backend: PostgreSQL when a URL is given, else embedded PGlite on disk.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { createPGliteDatabase, createPostgresDatabase, type Database } from "./database";
import type { DatabaseConfig } from "../env";

export class EmbeddedDatabaseBusy extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is open in process ${pid} (a running \`npm start\`?). ` +
        `PGlite allows one process per data directory: stop that process, or set DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = "EmbeddedDatabaseBusy";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// PGlite does not guard its data directory; two processes writing it would corrupt it.
async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = `${dataDir}.pid`;
  const holder = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new EmbeddedDatabaseBusy(dataDir, holder);
  }
  await writeFile(lockFile, String(process.pid));
  return () => rm(lockFile, { force: true });
}

export async function openPGlite(dataDir: string | undefined): Promise<PGlite> {
  // int8 as a JS number, as on the PostgreSQL side (lib/db/database.ts).
  const parsers = { 20: (value: string) => Number(value) };
  // Extensions the migrations create (CREATE EXTENSION) must be loaded into PGlite first.
  const options = { parsers, extensions: { pg_trgm } };
  const pglite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await pglite.waitReady;
  return pglite;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.url) return createPostgresDatabase(config.url, { maxConnections: config.poolSize });

  await mkdir(path.dirname(config.dataDir), { recursive: true });
  const release = await claimDataDir(config.dataDir);
  try {
    const database = createPGliteDatabase(await openPGlite(config.dataDir));
    const close = database.close.bind(database);
    return Object.assign(database, {
      close: async () => {
        await close();
        await release();
      },
    });
  } catch (error) {
    await release();
    throw error;
  }
}
