// The process-wide database: opened and migrated once, on first use. Kept on globalThis because
// Next.js may load this module more than once (instrumentation, each route bundle, dev reloads),
// and two PGlite instances on one data directory would corrupt it.
import { databaseConfigFromEnvironment } from "../env";
import type { Database } from "./database";
import { migrate } from "./migrate";
import { openDatabase } from "./open";
import { createPrismaClient, type PrismaClient } from "./prisma";
import { createPostgresDatabase } from "./database";
import { createReplicaRouter, type ReplicaRouter } from "./replica";

export type { Database, Queryable } from "./database";
export { isLogPosition, isReplicaFailure, logPositionHeader, type ReadChoice, type ReplicaRouter } from "./replica";

interface Handles {
  database: Database;
  prisma: PrismaClient;
  /** A streaming replica for reads, when DATABASE_REPLICA_URL is set: never migrated, never written. */
  replica?: { database: Database; prisma: PrismaClient; router: ReplicaRouter };
}

const globalKey = Symbol.for("rewind.database");
type WithHandles = typeof globalThis & { [globalKey]?: Promise<Handles> };

function replicaHandles(database: Database, replica: Database): NonNullable<Handles["replica"]> {
  return { database: replica, prisma: createPrismaClient(replica), router: createReplicaRouter(database, replica) };
}

async function openAndMigrate(): Promise<Handles> {
  const config = databaseConfigFromEnvironment();
  const database = await openDatabase(config);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  // Opened lazily by the pool: a replica that is down at start-up costs its reads nothing but a fallback.
  const replica = config.replicaUrl
    ? createPostgresDatabase(config.replicaUrl, { maxConnections: config.poolSize, connectTimeoutMs: 1_000 })
    : undefined;
  return { database, prisma: createPrismaClient(database), replica: replica && replicaHandles(database, replica) };
}

function handles(): Promise<Handles> {
  const holder = globalThis as WithHandles;
  if (!holder[globalKey]) {
    const opening = openAndMigrate();
    holder[globalKey] = opening;
    // A failed open is not cached: the next request tries again (the server may come back).
    opening.catch(() => {
      if (holder[globalKey] === opening) delete holder[globalKey];
    });
  }
  return holder[globalKey];
}

/**
 * Makes `database` the process-wide one (tests, and CLIs that open their own); closeDatabase()
 * closes it like one opened here.
 */
export function provideDatabase(database: Database, replica?: Database): void {
  (globalThis as WithHandles)[globalKey] = Promise.resolve({
    database,
    prisma: createPrismaClient(database),
    replica: replica && replicaHandles(database, replica),
  });
}

export async function getDatabase(): Promise<Database> {
  return (await handles()).database;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await handles()).prisma;
}

/** The read replica and its router, when one is configured. */
export async function getReplica(): Promise<Handles["replica"]> {
  return (await handles()).replica;
}

const cleanups = new WeakMap<Database, (() => Promise<void>)[]>();

/** Runs `cleanup` when `database` is closed through closeDatabase (listeners, timers…). */
export function onDatabaseClose(database: Database, cleanup: () => Promise<void>): void {
  cleanups.set(database, [...(cleanups.get(database) ?? []), cleanup]);
}

export async function closeDatabase(): Promise<void> {
  const holder = globalThis as WithHandles;
  const opening = holder[globalKey];
  delete holder[globalKey];
  if (!opening) return;
  const { database, prisma, replica } = await opening;
  for (const cleanup of cleanups.get(database) ?? []) await cleanup();
  await prisma.$disconnect();
  await database.close();
  if (replica) {
    await replica.prisma.$disconnect();
    await replica.database.close();
  }
}
