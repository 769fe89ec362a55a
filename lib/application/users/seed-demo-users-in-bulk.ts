// The demo seed in bulk, for benchmarks of a million users: the same rows as `seedDemoUsers` (which
// appends each user's history through the store, one statement and one commit per user), written a
// few thousand users per transaction with one INSERT … SELECT FROM unnest per table. Events carry
// their personal fields encrypted with each user's own key and the metadata an append gives them;
// the users rows and the temporal index are what the inline projections make of the same fold.
// seed-demo-users-in-bulk.int.test.ts proves the two seeders' databases equal, decrypted.
import { randomUUID } from "node:crypto";
import type { Database, Queryable } from "../../db/database";
import { userStreamId, userStreamType } from "../../domain/users";
import { demoPasswords, generateDemoHistories, type DemoOptions, type DemoUserHistory } from "./demo-data";
import { hashPassword } from "./passwords";
import { encryptPersonalData, newUserKey } from "./personal-data";
import { AlreadySeeded, type SeedReport } from "./seed-demo-users";
import { toNewEvent } from "./user-events";
import { insertUserVersions, userVersionRows, type UserVersionRow } from "./user-versions";
import { viewOfState } from "./user-view";

/** The columns of one batch, each an array that one unnest reads. */
interface Batch {
  users: number;
  events: {
    streamId: string[];
    version: number[];
    type: string[];
    data: string[];
    metadata: string[];
    commandId: (string | null)[];
    recordedAt: Date[];
  };
  keys: { userId: string[]; key: string[] };
  views: {
    id: string[];
    name: string[];
    email: string[];
    status: string[];
    version: number[];
    createdAt: string[];
    updatedAt: string[];
  };
  versions: UserVersionRow[];
}

function emptyBatch(): Batch {
  return {
    users: 0,
    events: { streamId: [], version: [], type: [], data: [], metadata: [], commandId: [], recordedAt: [] },
    keys: { userId: [], key: [] },
    views: { id: [], name: [], email: [], status: [], version: [], createdAt: [], updatedAt: [] },
    versions: [],
  };
}

/** Adds one history to the batch: what its append, its key and its inline projections would write. */
function addHistory(batch: Batch, history: DemoUserHistory, commandId: string) {
  const streamId = userStreamId(history.userId);
  const key = newUserKey();
  // The metadata the store gives every event of an append (lib/eventstore/event-store.ts).
  const recordedBy = { commandId, correlationId: commandId, causationId: commandId, actor: "demo-seed" };
  history.events.forEach(({ event, recordedAt }, index) => {
    const sealed = encryptPersonalData(toNewEvent(event), streamId, key);
    batch.events.streamId.push(streamId);
    batch.events.version.push(index + 1);
    batch.events.type.push(sealed.type);
    batch.events.data.push(JSON.stringify(sealed.data));
    batch.events.metadata.push(JSON.stringify({ ...sealed.metadata, eventId: randomUUID(), ...recordedBy }));
    // An append sets the command id on its first event only.
    batch.events.commandId.push(index === 0 ? commandId : null);
    batch.events.recordedAt.push(recordedAt);
  });
  batch.keys.userId.push(history.userId);
  batch.keys.key.push(key.toString("hex"));

  if (history.finalState.status !== "unregistered") {
    const view = viewOfState(history.finalState);
    batch.views.id.push(view.id);
    batch.views.name.push(view.name);
    batch.views.email.push(view.email);
    batch.views.status.push(view.status);
    batch.views.version.push(view.version);
    batch.views.createdAt.push(view.createdAt);
    batch.views.updatedAt.push(view.updatedAt);
  }

  // The temporal index's rows as the appends would have left them (the same rules, replayed).
  batch.versions.push(
    ...userVersionRows(
      history.events.map(({ event, recordedAt }, index) => ({
        position: 0,
        streamId,
        streamType: userStreamType,
        version: index + 1,
        type: event.type,
        data: event.data,
        metadata: {} as never,
        recordedAt,
      })),
    ),
  );
  batch.users++;
}

// Positions come from the events' sequence in the order of the arrays (WITH ORDINALITY … ORDER BY).
async function writeBatch(tx: Queryable, batch: Batch) {
  const { events, keys, views, versions } = batch;
  await tx.query(
    `INSERT INTO events (stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
     SELECT stream_id, $1, version, type, data::jsonb, metadata::jsonb, command_id, recorded_at
       FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
            WITH ORDINALITY AS batch(stream_id, version, type, data, metadata, command_id, recorded_at, ordinal)
      ORDER BY ordinal`,
    [
      userStreamType,
      events.streamId,
      events.version,
      events.type,
      events.data,
      events.metadata,
      events.commandId,
      events.recordedAt,
    ],
  );
  await tx.query(
    `INSERT INTO user_keys (user_id, key) SELECT user_id, decode(key, 'hex') FROM unnest($1::uuid[], $2::text[]) AS k(user_id, key)`,
    [keys.userId, keys.key],
  );
  await tx.query(
    `INSERT INTO users (id, name, email, status, version, created_at, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[])`,
    [views.id, views.name, views.email, views.status, views.version, views.createdAt, views.updatedAt],
  );
  await insertUserVersions(tx, versions);
}

/**
 * Seeds the same users as `seedDemoUsers(database, options)`, in batches of `usersPerBatch` users,
 * one transaction each. Batches are prepared (generated, encrypted, serialised) while earlier ones
 * are written: on PostgreSQL two at a time, each in its own transaction (a stream is always whole in
 * one batch, so its positions rise with its versions; the feed orders batches by transaction).
 */
export async function seedDemoUsersInBulk(
  database: Database,
  options: DemoOptions & { usersPerBatch?: number },
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SeedReport> {
  const started = performance.now();
  const usersPerBatch = options.usersPerBatch ?? (database.backend === "postgres" ? 2000 : 500);
  // PGlite runs one transaction at a time: a second writer would only queue.
  const maxWriting = database.backend === "postgres" ? 2 : 1;
  const commandId = `demo-seed-${options.seed}`;
  const passwordHashes = await Promise.all(demoPasswords.map(hashPassword));
  const histories = generateDemoHistories(options, passwordHashes);
  let users = 0;
  let events = 0;
  const writing: Promise<void>[] = [];
  let batch = emptyBatch();
  let checkedFirst = false;

  const flush = async (full: Batch) => {
    while (writing.length >= maxWriting) await writing.shift();
    if (!checkedFirst) {
      checkedFirst = true;
      const [taken] = await database.query("SELECT 1 FROM events WHERE stream_id = $1 AND version = 1", [
        full.events.streamId[0],
      ]);
      if (taken) throw new AlreadySeeded(options.seed);
    }
    const written = database
      .transaction((tx) => writeBatch(tx, full))
      .then(() => {
        users += full.users;
        events += full.events.streamId.length;
        onProgress(users, options.users);
      });
    // A failure surfaces when it is awaited (next flushes, or the end); not reported as unhandled meanwhile.
    written.catch(() => {});
    writing.push(written);
  };

  for (const history of histories) {
    addHistory(batch, history, commandId);
    if (batch.users >= usersPerBatch) {
      await flush(batch);
      batch = emptyBatch();
    }
  }
  if (batch.users > 0) await flush(batch);
  await Promise.all(writing);
  return { users, events, seconds: (performance.now() - started) / 1000 };
}
