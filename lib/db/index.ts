// The process-wide database: opened and migrated once, on first use. Kept on globalThis because
// Next.js may load this module more than once (instrumentation, each route bundle, dev reloads),
// and two PGlite instances on one data directory would corrupt it.
import { databaseConfigFromEnvironment } from "./config";
import type { Database } from "./database";
import { migrate } from "./migrate";
import { openDatabase } from "./open";
import { createPrismaClient, type PrismaClient } from "./prisma";

export type { Database, Queryable } from "./database";

interface Handles {
  database: Database;
  prisma: PrismaClient;
}

const globalKey = Symbol.for("rewind.database");
type WithHandles = typeof globalThis & { [globalKey]?: Promise<Handles> };

async function openAndMigrate(): Promise<Handles> {
  const database = await openDatabase(databaseConfigFromEnvironment());
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, prisma: createPrismaClient(database) };
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
export function provideDatabase(database: Database): void {
  (globalThis as WithHandles)[globalKey] = Promise.resolve({ database, prisma: createPrismaClient(database) });
}

export async function getDatabase(): Promise<Database> {
  return (await handles()).database;
}

export async function getPrisma(): Promise<PrismaClient> {
  return (await handles()).prisma;
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
  const { database, prisma } = await opening;
  for (const cleanup of cleanups.get(database) ?? []) await cleanup();
  await prisma.$disconnect();
  await database.close();
}
