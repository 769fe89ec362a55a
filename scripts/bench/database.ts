// Each benchmark works in a fresh database on the PostgreSQL server of DATABASE_URL, dropped after.

import { randomBytes } from "node:crypto";
import pg from "pg";

export interface BenchDatabase {
  /** The fresh database's URL. */
  url: string;
  /** Runs one statement on the server (outside the fresh database): CHECKPOINT and the like. */
  onServer(sql: string): Promise<void>;
  drop(): Promise<void>;
}

/** `template`: the new database starts as a copy of that one (an already seeded database, kept as it is). */
export async function createBenchDatabase(script: string, template?: string): Promise<BenchDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      `${script} measures a PostgreSQL server: set DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test).`,
    );
    process.exit(1);
  }
  const name = `rewind_bench_${randomBytes(4).toString("hex")}`;
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const onServer = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (template !== undefined && !/^[a-z_][a-z0-9_]*$/.test(template))
    throw new Error(`${template} is not a plain lower-case database name`);
  await onServer(`CREATE DATABASE ${name}${template === undefined ? "" : ` TEMPLATE ${template}`}`);
  return { url, onServer, drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
