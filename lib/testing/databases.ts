// The backends every integration test runs on: embedded PGlite always, and a real PostgreSQL
// server when TEST_DATABASE_URL is set (CI sets it). Each opened database is new and migrated.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPGliteDatabase, createPostgresDatabase, type Database } from "../db/database";
import { migrate } from "../db/migrate";
import { openPGlite } from "../db/open";

export interface TestBackend {
  name: "pglite" | "postgres";
  /** A new, empty, migrated database; `close` drops it. */
  open(options?: { migrated?: boolean; maxConnections?: number }): Promise<TestDatabase>;
}

export type TestDatabase = Database & { url?: string };

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

const pgliteBackend: TestBackend = {
  name: "pglite",
  async open({ migrated = true } = {}) {
    const database = createPGliteDatabase(await openPGlite(undefined));
    if (migrated) await migrate(database);
    return database;
  },
};

function postgresBackend(serverUrl: string): TestBackend {
  return {
    name: "postgres",
    async open({ migrated = true, maxConnections = 20 } = {}) {
      const name = `rewind_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = withDatabaseName(serverUrl, name);
      const database = createPostgresDatabase(url, { maxConnections });
      if (migrated) await migrate(database);
      const close = database.close.bind(database);
      return Object.assign(database, {
        url,
        close: async () => {
          await close();
          const dropper = new pg.Client({ connectionString: serverUrl });
          await dropper.connect();
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await dropper.end();
        },
      });
    },
  };
}

export function testBackends(): TestBackend[] {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? [pgliteBackend, postgresBackend(serverUrl)] : [pgliteBackend];
}
