// Writes generated histories: each user's whole history in one append (with its past times), and
// the users table filled from the same fold in bulk — what the inline projection would have written.
import type { Database } from "../../db";
import { userStreamId } from "../../domain/users";
import { createEventStore, WrongExpectedVersion, type EventStore } from "../../eventstore";
import { demoPasswords, generateDemoHistories, type DemoOptions, type DemoUserHistory } from "./demo-data";
import { hashPassword } from "./passwords";
import { encryptPersonalData, newUserKey } from "./personal-data";
import { toNewEvent } from "./user-events";
import { insertUserVersions, userVersionRows } from "./user-versions";
import { viewOfState } from "./user-view";

export class AlreadySeeded extends Error {
  constructor(seed: number) {
    super(`This database already holds the demo users of seed ${seed}; choose another --seed`);
    this.name = "AlreadySeeded";
  }
}

export interface SeedReport {
  users: number;
  events: number;
  seconds: number;
}

const usersPerInsert = 1000;

async function insertUsers(database: Database, histories: DemoUserHistory[]) {
  await insertUserVersions(database, histories.flatMap(versionRowsOf));
  const views = histories.flatMap(({ finalState }) =>
    finalState.status === "unregistered" ? [] : [viewOfState(finalState)],
  );
  await database.query({
    name: "seed.users",
    text: `INSERT INTO users (id, name, email, status, version, created_at, updated_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[])`,
    values: [
      views.map((v) => v.id),
      views.map((v) => v.name),
      views.map((v) => v.email),
      views.map((v) => v.status),
      views.map((v) => v.version),
      views.map((v) => v.createdAt),
      views.map((v) => v.updatedAt),
    ],
  });
}

// The versions the history's events make, as the temporal index holds them (its own fold, in clear).
function versionRowsOf({ userId, events }: DemoUserHistory) {
  const streamId = userStreamId(userId);
  return userVersionRows(
    events.map(({ event, recordedAt }, index) => ({
      position: 0,
      streamId,
      streamType: "user",
      version: index + 1,
      type: event.type,
      data: event.data,
      metadata: {} as never,
      recordedAt,
    })),
  );
}

/**
 * One user's whole history in one append, as a new stream: personal fields encrypted like any
 * command's, with the user's key stored by the same statement.
 */
function appendUserHistory(store: EventStore, history: DemoUserHistory, metadata: Record<string, string>) {
  const streamId = userStreamId(history.userId);
  const key = newUserKey();
  return store.appendToStream(
    streamId,
    history.events.map(({ event, recordedAt }) => ({
      ...encryptPersonalData(toNewEvent(event), streamId, key),
      recordedAt,
    })),
    {
      expectedVersion: "no_stream",
      metadata,
      inlineStatement: {
        name: "user_keys.insert",
        text: "INSERT INTO user_keys (user_id, key) SELECT $1::uuid, $2::bytea WHERE EXISTS (SELECT 1 FROM appended)",
        values: [history.userId, key],
      },
    },
  );
}

/** Writes one made-up history (a benchmark's long one) with its users row, as the demo seed does. */
export async function seedUserHistory(database: Database, history: DemoUserHistory, metadata: Record<string, string>) {
  await appendUserHistory(createEventStore(database), history, metadata);
  await insertUsers(database, [history]);
}

export async function seedDemoUsers(
  database: Database,
  options: DemoOptions,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SeedReport> {
  const started = performance.now();
  const store = createEventStore(database);
  const passwordHashes = await Promise.all(demoPasswords.map(hashPassword));
  const histories = generateDemoHistories(options, passwordHashes);
  // PGlite runs one transaction at a time: more than one writer would only queue.
  const writers = database.backend === "postgres" ? 16 : 1;
  let users = 0;
  let events = 0;
  let pendingRows: DemoUserHistory[] = [];
  let flushing: Promise<void> = Promise.resolve();

  const writeOne = async (history: DemoUserHistory) => {
    const result = await appendUserHistory(store, history, {
      actor: "demo-seed",
      commandId: `demo-seed-${options.seed}`,
    }).catch((error: unknown) => {
      throw error instanceof WrongExpectedVersion ? new AlreadySeeded(options.seed) : error;
    });
    if (result.replayed) throw new AlreadySeeded(options.seed);
    users++;
    events += history.events.length;
    pendingRows.push(history);
    if (pendingRows.length >= usersPerInsert) {
      const batch = pendingRows;
      pendingRows = [];
      flushing = flushing.then(() => insertUsers(database, batch));
      await flushing;
    }
    if (users % Math.max(1, Math.floor(options.users / 100)) === 0) onProgress(users, options.users);
  };

  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let next = histories.next(); !next.done; next = histories.next()) await writeOne(next.value);
    }),
  );
  await flushing;
  if (pendingRows.length > 0) await insertUsers(database, pendingRows);
  onProgress(users, options.users);
  return { users, events, seconds: (performance.now() - started) / 1000 };
}
