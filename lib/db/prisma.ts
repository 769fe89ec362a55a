// Prisma Client over the same connections as the event store: the pg pool or the PGlite instance.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Database } from "./database";
import { PrismaClient } from "./generated/prisma/client";

export type { PrismaClient };

export function createPrismaClient(database: Database): PrismaClient {
  const adapter = database.backend === "postgres" ? new PrismaPg(database.pool) : new PrismaPGlite(database.pglite);
  return new PrismaClient({ adapter });
}
