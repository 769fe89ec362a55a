// What the application layer works with, built once over the process-wide database.
import { getDatabase, getPrisma, type Database } from "../db";
import type { PrismaClient } from "../db/prisma";
import { createEventStore, type EventStore } from "../eventstore";

export interface Services {
  database: Database;
  store: EventStore;
  prisma: PrismaClient;
}

const stores = new WeakMap<Database, EventStore>();

export async function getServices(): Promise<Services> {
  const [database, prisma] = await Promise.all([getDatabase(), getPrisma()]);
  let store = stores.get(database);
  if (!store) {
    store = createEventStore(database);
    stores.set(database, store);
  }
  return { database, store, prisma };
}
