// One small interface over the two backends Rewind runs on: a PostgreSQL server (node-postgres pool)
// or embedded PGlite (PostgreSQL compiled to WebAssembly, in this process). The event store, the
// migration runner and the projections speak only this; Prisma gets its own adapter over the same
// pool or the same PGlite instance (lib/db/prisma.ts).
import pg from "pg";
import type { PGlite, Transaction as PGliteTransaction } from "@electric-sql/pglite";

export type Row = Record<string, unknown>;

/** A statement: `name` lets PostgreSQL prepare it once per connection (ignored by PGlite). */
export interface Statement {
  name?: string;
  text: string;
  values?: unknown[];
}

/** Something that runs SQL: the database itself, or one open transaction. */
export interface Queryable {
  query<R extends Row = Row>(statement: Statement | string, values?: unknown[]): Promise<R[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** One connection held for a while: its own queries and transactions. */
export interface Connection extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

interface DatabaseOperations extends Queryable {
  /** Runs `work` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` on one connection held for its whole duration (session-level locks, LISTEN). */
  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PostgresDatabase extends DatabaseOperations {
  readonly backend: "postgres";
  readonly pool: pg.Pool;
}

export interface PGliteDatabase extends DatabaseOperations {
  readonly backend: "pglite";
  readonly pglite: PGlite;
}

export type Database = PostgresDatabase | PGliteDatabase;

function toStatement(statement: Statement | string, values?: unknown[]): Statement {
  return typeof statement === "string" ? { text: statement, values } : statement;
}

// int8 (bigint, bigserial) as a JS number: positions and counts stay far below 2^53, and one
// numeric type on both backends keeps callers simple.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createPostgresDatabase(
  connectionString: string,
  options: { maxConnections?: number; connectTimeoutMs?: number } = {},
): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs,
  });
  // An idle client that loses its connection (a server restart) must not crash the process.
  pool.on("error", () => {});

  const onClient = (client: pg.PoolClient): Queryable => ({
    async query<R extends Row>(statement: Statement | string, values?: unknown[]) {
      const result = await client.query<R>(toStatement(statement, values));
      return result.rows;
    },
    async exec(script: string) {
      await client.query(script);
    },
  });

  // A connection whose ROLLBACK failed is in an unknown state: it is closed, not handed to the next caller.
  const brokenClients = new WeakSet<pg.PoolClient>();

  async function transactionOn<T>(client: pg.PoolClient, work: (tx: Queryable) => Promise<T>): Promise<T> {
    await client.query("BEGIN");
    try {
      const result = await work(onClient(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => brokenClients.add(client));
      throw error;
    }
  }

  async function withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // The pool listens for errors on idle clients only: a connection lost while checked out (the
    // server restarting between two statements of a transaction) would otherwise be an uncaught
    // 'error' event and bring the process down. The next statement fails with it instead.
    const lost = () => brokenClients.add(client);
    client.on("error", lost);
    try {
      return await work(client);
    } finally {
      client.off("error", lost);
      client.release(brokenClients.has(client));
    }
  }

  return {
    backend: "postgres",
    pool,
    async query<R extends Row>(statement: Statement | string, values?: unknown[]) {
      const result = await pool.query<R>(toStatement(statement, values));
      return result.rows;
    },
    async exec(script: string) {
      await pool.query(script);
    },
    transaction: (work) => withClient((client) => transactionOn(client, work)),
    withConnection: (work) =>
      withClient((client) => work({ ...onClient(client), transaction: (inner) => transactionOn(client, inner) })),
    close: () => pool.end(),
  };
}

export function createPGliteDatabase(pglite: PGlite): PGliteDatabase {
  const onTransaction = (tx: PGliteTransaction): Queryable => ({
    async query<R extends Row>(statement: Statement | string, values?: unknown[]) {
      const { text, values: params } = toStatement(statement, values);
      return (await tx.query<R>(text, params)).rows;
    },
    async exec(script: string) {
      await tx.exec(script);
    },
  });

  const database: PGliteDatabase = {
    backend: "pglite",
    pglite,
    async query<R extends Row>(statement: Statement | string, values?: unknown[]) {
      const { text, values: params } = toStatement(statement, values);
      return (await pglite.query<R>(text, params)).rows;
    },
    async exec(script: string) {
      await pglite.exec(script);
    },
    // PGlite has one connection and runs each transaction exclusively: that is its concurrency model.
    transaction: (work) => pglite.transaction((tx) => work(onTransaction(tx))),
    withConnection: (work) => work(database),
    close: () => pglite.close(),
  };
  return database;
}
