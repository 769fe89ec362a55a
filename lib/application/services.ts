// What the application layer works with, built once over the process-wide database.
import { getDatabase, getPrisma, onDatabaseClose, type Database } from "../db";
import type { PrismaClient } from "../db/prisma";
import { logger } from "../observability/logger";
import {
  createEventNotifier,
  createEventStore,
  type EventNotifier,
  type EventStore,
  type EventStoreOptions,
  type FoldCompanion,
  type RecordedEvent,
} from "../eventstore";
import { createCredentialWatch, type CredentialWatch } from "./auth/credential-watch";
import { decryptPersonalData, holdKeysOf, keyWithFold, userIdOfStream } from "./users/personal-data";
import { upcastRecordedEvent } from "./users/user-events";

export interface Services {
  database: Database;
  store: EventStore;
  notifier: EventNotifier;
  /** Ends long-lived requests (the event stream) when their credential is revoked, signed out or expires. */
  credentials: CredentialWatch;
  prisma: PrismaClient;
}

/** How events are read back: personal fields decrypted ("[erased]" once forgotten), old schemas upcast. */
export function readTransformFor(database: Database) {
  return async (events: RecordedEvent[], companion?: FoldCompanion) =>
    (await decryptPersonalData(database, events, companion)).map(upcastRecordedEvent);
}

/**
 * How the store treats personal data: decrypted as read, and kept in snapshots only while the
 * user's key is held in the writing transaction (never once they are forgotten).
 */
export function personalDataOptions(
  database: Database,
): Pick<EventStoreOptions, "transformRead" | "foldCompanion" | "mayKeepSnapshots"> {
  return {
    transformRead: readTransformFor(database),
    foldCompanion: keyWithFold,
    async mayKeepSnapshots(tx, streamId) {
      const userId = userIdOfStream(streamId);
      return userId === undefined || (await holdKeysOf(tx, [userId])).has(userId);
    },
  };
}

const perDatabase = new WeakMap<
  Database,
  { store: EventStore; notifier: EventNotifier; credentials: CredentialWatch }
>();

export async function getServices(): Promise<Services> {
  const [database, prisma] = await Promise.all([getDatabase(), getPrisma()]);
  let built = perDatabase.get(database);
  if (!built) {
    const notifier = createEventNotifier(database);
    const credentials = createCredentialWatch(database);
    built = {
      notifier,
      credentials,
      store: createEventStore(database, {
        onAppended: notifier.appended,
        ...personalDataOptions(database),
        onSnapshotFailed: (streamId, error) => logger().warn({ streamId, err: error }, "could not keep snapshots"),
      }),
    };
    perDatabase.set(database, built);
    onDatabaseClose(database, async () => {
      await Promise.all([notifier.close(), credentials.close()]);
    });
  }
  return { database, prisma, ...built };
}
