// Where a read-only request reads: the replica when one is configured and has replayed as far as the
// client has seen, else the primary (docs/SCALING.md §2). The choice is made once per request and
// held for its queries; outside such a request (commands, pages, jobs) everything reads the primary.
import { AsyncLocalStorage } from "node:async_hooks";
import { getReplica, isReplicaFailure, type Database } from "../db";
import type { PrismaClient } from "../db/prisma";
import { createEventStore, type EventStore } from "../eventstore";
import { logger } from "../observability/logger";
import { getServices, personalDataOptions } from "./services";

export interface ReadServices {
  database: Database;
  store: EventStore;
  prisma: PrismaClient;
}

const current = new AsyncLocalStorage<ReadServices>();
const replicaStores = new WeakMap<Database, EventStore>();

/** The store and queries a read-only query uses: the request's choice, or the primary's. */
export async function getReadServices(): Promise<ReadServices> {
  return current.getStore() ?? (await getServices());
}

export interface ReadOutcome<T> {
  result: T;
  servedBy: "primary" | "replica";
  /** The log position the answer reflects at least (for the client's next read), when there is a replica. */
  position?: string;
}

const replicaUnavailable = (error: unknown) =>
  logger().warn({ err: error }, "read replica unavailable: reads go to the primary for a while");

/**
 * Runs the read-only `read` on the replica if it has replayed up to `position` (what the client has
 * seen), else on the primary. A replica that fails mid-read is marked down and the read runs again
 * on the primary: it wrote nothing, so running it twice is safe.
 */
export async function onReadSide<T>(position: string | undefined, read: () => Promise<T>): Promise<ReadOutcome<T>> {
  const replica = await getReplica();
  if (!replica) return { result: await read(), servedBy: "primary" };
  const choice = await replica.router.choose(position);
  if (choice.replicaFailure !== undefined) replicaUnavailable(choice.replicaFailure);
  if (choice.servedBy === "replica") {
    try {
      let store = replicaStores.get(replica.database);
      if (!store) {
        // A standby refuses writes: snapshots are kept by the primary's folds only.
        store = createEventStore(replica.database, {
          ...personalDataOptions(replica.database),
          mayKeepSnapshots: async () => false,
        });
        replicaStores.set(replica.database, store);
      }
      const services = { database: replica.database, prisma: replica.prisma, store };
      // The replay position before the read: the answer shows at least that much.
      const replayed = await replica.router.replicaPosition();
      const result = await current.run(services, read);
      return { result, servedBy: "replica", position: replayed ?? position };
    } catch (error) {
      if (!isReplicaFailure(error)) throw error;
      replicaUnavailable(error);
      replica.router.markDown();
    }
  }
  // The primary's position before the read: everything committed by then is in the answer.
  const primaryPosition = await replica.router.primaryPosition();
  return { result: await read(), servedBy: "primary", position: primaryPosition };
}

/** The primary's log position now, for a command's answer; undefined when there is no replica to wait for. */
export async function primaryLogPosition(): Promise<string | undefined> {
  const replica = await getReplica();
  return replica ? replica.router.primaryPosition() : undefined;
}
