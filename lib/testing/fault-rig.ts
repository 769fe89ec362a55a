// What the fault tests share: a disposable PostgreSQL cluster with the production server on it, an
// HTTP client that never waits forever, and the checks that nothing acknowledged was lost.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect } from "vitest";
import { streamsWithGaps } from "../application/backup";
import { readTransformFor } from "../application/services";
import { userFold } from "../application/users/user-events";
import { createPostgresDatabase, type Database } from "../db/database";
import { createEventStore } from "../eventstore";
import { createCluster, type Cluster } from "./pg-cluster";
import { startProductionServer, type ProductionServer } from "./production-server";

export interface Rig {
  cluster: Cluster;
  server: ProductionServer;
  /** The test's own connection, to check the log behind the server's back. */
  database: Database;
  /** What the server wrote to stdout and stderr, line by line. */
  serverLog: string[];
  close(): Promise<void>;
}

export async function startRig(env: Record<string, string> = {}): Promise<Rig> {
  const cluster = await createCluster();
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query("CREATE DATABASE rewind");
  await admin.end();
  const serverLog: string[] = [];
  const server = await startProductionServer(
    { DATABASE_URL: cluster.url("rewind"), REWIND_DEMO_USERS: "0", LOG_LEVEL: "warn", ...env },
    { log: (line) => serverLog.push(line) },
  );
  const database = createPostgresDatabase(cluster.url("rewind"), { maxConnections: 4 });
  return {
    cluster,
    server,
    database,
    serverLog,
    async close() {
      await server.stop().catch(() => {});
      await database.close().catch(() => {});
      cluster.destroy();
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Undefined when the request got no answer: refused, reset or timed out. */
  error?: string;
  correlationId: string;
  startedAt: number;
  endedAt: number;
}

/** One request with its own correlation id and a deadline: a hang shows as an error, not a stuck test. */
export async function send(
  server: ProductionServer,
  method: string,
  path: string,
  {
    body,
    headers = {},
    timeoutMs = 15_000,
  }: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const correlationId = randomUUID();
  const startedAt = Date.now();
  try {
    const response = await fetch(server.base + path, {
      method,
      headers: {
        ...server.auth,
        "x-correlation-id": correlationId,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, correlationId, startedAt, endedAt: Date.now() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      status: 0,
      headers: new Headers(),
      text: "",
      error: (error as Error).name === "TimeoutError" ? "timeout" : (cause ?? (error as Error).message),
      correlationId,
      startedAt,
      endedAt: Date.now(),
    };
  }
}

export async function registerUsers(server: ProductionServer, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await send(server, "POST", "/api/users", {
      body: { name: `Fault user ${i}`, email: `fault-${randomUUID()}@example.com`, password: "long enough secret" },
    });
    expect(answer.status, answer.text).toBe(201);
    ids.push((JSON.parse(answer.text) as { id: string }).id);
  }
  return ids;
}

export interface Acknowledged {
  correlationId: string;
  userId: string;
  version: number;
  name: string;
}

/** Every acknowledged command is in the log exactly once, at the version it answered, with its name; nothing else is there twice. */
export async function checkAcknowledged(
  database: Database,
  acknowledged: Acknowledged[],
  unanswered: string[],
): Promise<void> {
  const rows = await database.query<{ correlation_id: string; copies: number; stream_id: string; version: number }>(
    `SELECT metadata->>'correlationId' AS correlation_id, count(*)::int AS copies, min(stream_id) AS stream_id, min(version) AS version
       FROM events WHERE metadata->>'correlationId' = ANY($1::text[]) GROUP BY 1`,
    [[...acknowledged.map((ack) => ack.correlationId), ...unanswered]],
  );
  const found = new Map(rows.map((row) => [row.correlation_id, row]));
  for (const ack of acknowledged) {
    const row = found.get(ack.correlationId);
    expect(row, `acknowledged command ${ack.correlationId} is in the log`).toBeDefined();
    expect(row).toMatchObject({ copies: 1, stream_id: `user-${ack.userId}`, version: ack.version });
  }
  // A command that got no answer may or may not have been recorded — but never twice.
  for (const id of unanswered) expect(found.get(id)?.copies ?? 0).toBeLessThanOrEqual(1);
  const store = createEventStore(database, { transformRead: readTransformFor(database) });
  for (const ack of acknowledged) {
    const [event] = await store.readStream(`user-${ack.userId}`, { fromVersion: ack.version, toVersion: ack.version });
    expect(event!.data.name).toBe(ack.name);
  }
}

/** Every stream is numbered 1..n without a gap, and the users table equals a full fold of each stream. */
export async function checkLogAndUsersTable(database: Database): Promise<{ streams: number; events: number }> {
  expect(await streamsWithGaps(database)).toEqual([]);
  const store = createEventStore(database, { transformRead: readTransformFor(database) });
  const users = await database.query<{ id: string; name: string; email: string; status: string; version: number }>(
    "SELECT id, name, email, status, version FROM users ORDER BY id",
  );
  const streams = await database.query<{ stream_id: string }>(
    "SELECT DISTINCT stream_id FROM events WHERE stream_type = 'user' ORDER BY stream_id",
  );
  expect(users.map((user) => `user-${user.id}`)).toEqual(streams.map((row) => row.stream_id));
  for (const user of users) {
    const { state, version } = await store.aggregateStream(`user-${user.id}`, {
      initialState: userFold.initialState,
      evolve: userFold.evolve,
    });
    expect(state).toMatchObject({ name: user.name, email: user.email, status: user.status, version: user.version });
    expect(version).toBe(user.version);
  }
  const [{ events }] = (await database.query<{ events: number }>("SELECT count(*)::int AS events FROM events")) as [
    { events: number },
  ];
  return { streams: streams.length, events };
}
