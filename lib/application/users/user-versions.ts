// The temporal index of users (docs/decisions/017): one row per version of each user, with the
// interval of recorded time during which it was the current one. Written by the append's own
// statement (like the users row), so it is never behind the log; built, verified and repaired from
// the log by the same code (`npm run db:user-versions`).
import type { Database, Queryable, Statement } from "../../db/database";
import { evolve, initialUserState, userStreamId, userStreamType, type UserState } from "../../domain/users";
import { toRecordedEvent, type EventRow, type RecordedEvent } from "../../eventstore";
import { readTransformFor } from "../services";
import { holdKeysForWriting } from "./personal-data";
import { toRecordedUserEvent } from "./user-events";

/** A version as the index holds it, but for its interval (which comes from the events' own times). */
export interface UserVersionRow {
  streamId: string;
  version: number;
  name: string;
  email: string;
  status: string;
  /** When the user registered, to the millisecond (what the fold shows). */
  createdAt: string;
}

/**
 * The inline statement that keeps the index in step with an append: the user's open version is
 * closed at the first appended event's time, and each appended event adds the version it makes.
 * `before` is the state the events were decided on, `after` the state after each of them. One statement (an upsert: the open version
 * conflicts and is closed) so that the append stays one statement with one short prepared name.
 */
export function recordUserVersions(userId: string, before: UserState, after: readonly UserState[]): Statement {
  const made = after.flatMap((state, index) =>
    state.status === "unregistered" ? [] : [{ state, ordinal: index + 1 }],
  );
  // The open version, given again whole: the conflict closes it (and should it be missing, it is
  // written with its own event's time).
  const open = before.status === "unregistered" ? [] : [{ state: before, ordinal: 0 }];
  const rows = [...open, ...made];
  return {
    name: "user_versions",
    text: `INSERT INTO user_versions (user_id, version, name, name_lower, email, status, created_at, recorded_from, recorded_to)
           SELECT $1::uuid, first.version + row.ordinal - 1, row.name, row.name_lower, row.email, row.status,
                  coalesce(row.created_at, date_trunc('milliseconds', first.recorded_at)),
                  CASE WHEN row.ordinal = 0
                       THEN (SELECT recorded_at FROM events WHERE stream_id = $8 AND version = first.version - 1)
                       ELSE (SELECT recorded_at FROM appended WHERE version = first.version + row.ordinal - 1) END,
                  (SELECT recorded_at FROM appended WHERE version = first.version + row.ordinal)
             FROM (SELECT min(version) AS version, min(recorded_at) AS recorded_at FROM appended HAVING count(*) > 0) AS first
            CROSS JOIN unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
                  AS row(ordinal, name, name_lower, email, status, created_at)
           ON CONFLICT (user_id, version) DO UPDATE SET recorded_to = EXCLUDED.recorded_to`,
    values: [
      userId,
      rows.map(({ ordinal }) => ordinal),
      rows.map(({ state }) => state.name),
      rows.map(({ state }) => state.name.toLowerCase()),
      rows.map(({ state }) => state.email),
      rows.map(({ state }) => state.status),
      // A user who registers in this append takes the registration's time; the others keep theirs.
      rows.map(() => (before.status === "unregistered" ? null : before.createdAt)),
      userStreamId(userId),
    ],
  };
}

/** The versions a stream's events (read, decrypted and upcast as the store reads them) make: one per event once registered. */
export function userVersionRows(events: readonly RecordedEvent[]): UserVersionRow[] {
  let state: UserState = initialUserState;
  const rows: UserVersionRow[] = [];
  for (const event of events) {
    state = evolve(state, toRecordedUserEvent(event));
    if (state.status === "unregistered") continue;
    const { name, email, status, createdAt } = state;
    rows.push({ streamId: event.streamId, version: event.version, name, email, status, createdAt });
  }
  return rows;
}

// The rows given, timed by their events: from this version's recorded_at until the next one's.
const timedRows = `
  given AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
      AS given(stream_id, version, name, name_lower, email, status, created_at)
  ), timed AS (
    SELECT substr(given.stream_id, ${userStreamType.length + 2})::uuid AS user_id, given.version, given.name, given.name_lower,
           given.email, given.status, given.created_at, events.recorded_at AS recorded_from,
           lead(events.recorded_at) OVER (PARTITION BY given.stream_id ORDER BY given.version) AS recorded_to
      FROM given JOIN events ON events.stream_id = given.stream_id AND events.version = given.version
  )`;

const rowValues = (rows: readonly UserVersionRow[]) => [
  rows.map((row) => row.streamId),
  rows.map((row) => row.version),
  rows.map((row) => row.name),
  rows.map((row) => row.name.toLowerCase()),
  rows.map((row) => row.email),
  rows.map((row) => row.status),
  rows.map((row) => row.createdAt),
];

/** Of these users, the ones whose rows in the index differ from `rows` (what their events make). */
async function usersThatDiffer(
  database: Queryable,
  userIds: readonly string[],
  rows: readonly UserVersionRow[],
): Promise<string[]> {
  const differing = await database.query<{ user_id: string }>(
    `WITH ${timedRows}, stored AS (SELECT * FROM user_versions WHERE user_id = ANY($8::uuid[]))
     SELECT DISTINCT coalesce(timed.user_id, stored.user_id)::text AS user_id
       FROM timed FULL JOIN stored ON stored.user_id = timed.user_id AND stored.version = timed.version
      WHERE (timed.name, timed.name_lower, timed.email, timed.status, timed.created_at, timed.recorded_from, timed.recorded_to)
            IS DISTINCT FROM (stored.name, stored.name_lower, stored.email, stored.status, stored.created_at, stored.recorded_from, stored.recorded_to)`,
    [...rowValues(rows), userIds],
  );
  return differing.map((row) => row.user_id);
}

/**
 * Replaces these users' rows by what their events make. Names and emails are written in clear: the
 * users' keys are held in this transaction (decision 012), and a user forgotten since their events
 * were read gets "[erased]".
 */
async function rewriteUsers(
  database: Database,
  events: readonly RecordedEvent[],
  userIds: readonly string[],
): Promise<void> {
  await database.transaction(async (tx) => {
    const writable = await holdKeysForWriting(tx, [...events]);
    const rows = rowsByStream(writable).flatMap(userVersionRows);
    await tx.query("DELETE FROM user_versions WHERE user_id = ANY($1::uuid[])", [userIds]);
    await insertUserVersions(tx, rows);
  });
}

/** Adds these versions to the index, timed by their events (which must be in the log already). */
export async function insertUserVersions(database: Queryable, rows: readonly UserVersionRow[]): Promise<void> {
  await database.query(
    `WITH ${timedRows}
     INSERT INTO user_versions (user_id, version, name, name_lower, email, status, created_at, recorded_from, recorded_to)
     SELECT user_id, version, name, name_lower, email, status, created_at, recorded_from, recorded_to FROM timed`,
    rowValues(rows),
  );
}

function rowsByStream(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const streams = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  return [...streams.values()];
}

export interface UserVersionsCheck {
  /** User streams compared. */
  users: number;
  /** Users whose rows differed from their events (rewritten when repairing). */
  differing: string[];
  /** Rows of users who have no events at all (deleted when repairing). */
  orphans: number;
  /** After a repair: users that still differ (a command changed them meanwhile; run it again). */
  stillDiffering: string[];
}

const usersPerBatch = 500;
const userStreamPrefix = `${userStreamType}-`;

/**
 * Compares the index with what the log makes, user by user, and with `repair` rewrites the users
 * that differ. Safe to run beside a live server; a user changed by a command while it is being
 * rewritten is reported in `stillDiffering`.
 */
export async function checkUserVersions(
  database: Database,
  options: { repair: boolean; onProgress?: (done: number, total: number) => void },
): Promise<UserVersionsCheck> {
  const read = readTransformFor(database);
  const [{ total } = { total: 0 }] = await database.query<{ total: number }>(
    "SELECT count(*)::int AS total FROM events WHERE stream_type = $1 AND version = 1",
    [userStreamType],
  );
  const check: UserVersionsCheck = { users: 0, differing: [], orphans: 0, stillDiffering: [] };
  for (let after = ""; ;) {
    // Every stream has a version 1: its first event, found through the primary key.
    const streams = await database.query<{ stream_id: string }>(
      `SELECT stream_id FROM events WHERE stream_id > $1 AND stream_id LIKE $2 AND version = 1 ORDER BY stream_id LIMIT $3`,
      [after, `${userStreamPrefix}%`, usersPerBatch],
    );
    if (streams.length === 0) break;
    after = streams[streams.length - 1]!.stream_id;
    const streamIds = streams.map((row) => row.stream_id);
    const userIds = streamIds.map((streamId) => streamId.slice(userStreamPrefix.length));
    const eventsOf = async () =>
      read(
        (
          await database.query<EventRow>(
            `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
              WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version`,
            [streamIds],
          )
        ).map(toRecordedEvent),
      );
    const events = await eventsOf();
    const differing = await usersThatDiffer(database, userIds, rowsByStream(events).flatMap(userVersionRows));
    check.users += streams.length;
    check.differing.push(...differing);
    if (options.repair && differing.length > 0) {
      const wanted = new Set(differing.map((userId) => `${userStreamPrefix}${userId}`));
      await rewriteUsers(
        database,
        events.filter((event) => wanted.has(event.streamId)),
        differing,
      );
      const again = (await eventsOf()).filter((event) => wanted.has(event.streamId));
      check.stillDiffering.push(
        ...(await usersThatDiffer(database, differing, rowsByStream(again).flatMap(userVersionRows))),
      );
    }
    options.onProgress?.(check.users, total);
  }
  const orphans = await database.query<{ user_id: string }>(
    `SELECT DISTINCT user_id::text AS user_id FROM user_versions
      WHERE NOT EXISTS (SELECT 1 FROM events WHERE events.stream_id = $1 || user_versions.user_id::text AND events.version = 1)`,
    [userStreamPrefix],
  );
  check.orphans = orphans.length;
  if (options.repair && orphans.length > 0) {
    await database.query("DELETE FROM user_versions WHERE user_id = ANY($1::uuid[])", [
      orphans.map((row) => row.user_id),
    ]);
  }
  return check;
}

/**
 * A database that held users before the index existed (the migration that made it cannot decrypt
 * names): builds it once, at start-up. Nothing to do when it already has rows or there are no users.
 */
export async function buildUserVersionsIfMissing(database: Database): Promise<UserVersionsCheck | undefined> {
  const [row] = await database.query<{ missing: boolean }>(
    `SELECT NOT EXISTS (SELECT 1 FROM user_versions)
            AND EXISTS (SELECT 1 FROM events WHERE stream_type = $1) AS missing`,
    [userStreamType],
  );
  return row?.missing ? checkUserVersions(database, { repair: true }) : undefined;
}
