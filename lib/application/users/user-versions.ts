// The temporal index of users on two time axes (docs/decisions/017 and 025): each row is a state of
// a user during an interval of recorded time (what Rewind knew) and an interval of effective time
// (when it held in the world). Written by the append's own statement (like the users row), so it is
// never behind the log; built, verified and repaired from the log by the same rules
// (`npm run db:user-versions`).
//
// Instants are compared to the microsecond, as PostgreSQL stores them: an event's coordinate on the
// effective axis is its effectiveAt, or its recorded_at when it has none (or one not earlier than
// the millisecond it was recorded in: the same answers, since nothing asks between the two).
import type { Database, Queryable, Statement } from "../../db/database";
import {
  evolve,
  foldUser,
  inEffectiveOrder,
  userStreamId,
  userStreamType,
  type RecordedUserEvent,
  type UserEvent,
  type UserState,
} from "../../domain/users";
import { toRecordedEvent, type EventRow, type RecordedEvent } from "../../eventstore";
import { readTransformFor } from "../services";
import { holdKeysForWriting } from "./personal-data";
import { notYetRecorded, toRecordedUserEvent } from "./user-events";
import { addCorners, checkUserVersionCounts, cornersOf } from "./user-version-counts";

/** A row of the index: a state of the user, with its two intervals in microseconds since 1970 (`to` null: open). */
export interface UserVersionRow {
  userId: string;
  version: number;
  name: string;
  email: string;
  status: string;
  /** When the user registered, to the millisecond (what the fold shows). */
  createdAt: string;
  updatedAt: number;
  registeredAt: number;
  recordedFrom: number;
  recordedTo: number | null;
  effectiveFrom: number;
  effectiveTo: number | null;
}

type Micros = number;

/** An instant in microseconds as PostgreSQL reads it exactly (a Date holds only milliseconds). */
export function microsText(micros: Micros): string {
  const millis = Math.floor(micros / 1000);
  return `${new Date(millis).toISOString().slice(0, 23)}${String(micros - millis * 1000).padStart(3, "0")}Z`;
}

/**
 * Where an event lies on the effective axis: its effectiveAt when that is earlier than the
 * millisecond it was recorded in, else its recorded instant (to the microsecond).
 */
function coordinateOf(event: RecordedUserEvent, recordedMicros: Micros): Micros {
  const effective = event.data.effectiveAt === undefined ? undefined : Date.parse(event.data.effectiveAt);
  return effective !== undefined && effective < Math.floor(recordedMicros / 1000) ? effective * 1000 : recordedMicros;
}

const foldKnown = (events: readonly RecordedUserEvent[]): UserState => foldUser(inEffectiveOrder(events));

/**
 * The rows a stream's events make (read, decrypted and upcast as the store reads them), replaying
 * the rules of `recordUserVersions` one recorded instant at a time. `microsOf` gives each event's
 * recorded_at to the microsecond (default: its millisecond, exact for events written with a given time).
 */
export function userVersionRows(
  events: readonly RecordedEvent[],
  microsOf: (event: RecordedEvent) => Micros = (event) => event.recordedAt.getTime() * 1000,
): UserVersionRow[] {
  const rows: UserVersionRow[] = [];
  const known: { event: RecordedUserEvent; coordinate: Micros; recorded: Micros }[] = [];
  let registeredAt: Micros | undefined;
  for (let index = 0; index < events.length;) {
    const recordedAt = microsOf(events[index]!);
    const step: typeof known = [];
    for (; index < events.length && microsOf(events[index]!) === recordedAt; index++) {
      const event = toRecordedUserEvent(events[index]!);
      step.push({ event, coordinate: coordinateOf(event, recordedAt), recorded: recordedAt });
    }
    known.push(...step);
    if (registeredAt === undefined) {
      if (foldKnown(known.map(({ event }) => event)).status === "unregistered") continue;
      registeredAt = recordedAt;
    }
    const effectiveAt = Math.min(...step.map(({ coordinate }) => coordinate));
    const backdated = effectiveAt < recordedAt;
    const clipped: UserVersionRow[] = [];
    for (const row of rows) {
      if (row.recordedTo !== null) continue;
      if (!backdated) {
        if (row.effectiveTo === null) row.effectiveTo = recordedAt;
      } else if (row.effectiveTo === null || row.effectiveTo > effectiveAt) {
        row.recordedTo = recordedAt;
        if (row.effectiveFrom < effectiveAt)
          clipped.push({ ...row, recordedFrom: recordedAt, recordedTo: null, effectiveTo: effectiveAt });
      }
    }
    const starts = [...new Set(known.map(({ coordinate }) => coordinate).filter((at) => at >= effectiveAt))].sort(
      (a, b) => a - b,
    );
    const recordedOf = new Map(known.map(({ event, recorded }) => [event.version, recorded]));
    const timeline = starts.flatMap((start, position): UserVersionRow[] => {
      const state = foldKnown(known.filter(({ coordinate }) => coordinate <= start).map(({ event }) => event));
      if (state.status === "unregistered") return [];
      const { name, email, status, version, createdAt } = state;
      return [
        {
          userId: state.id,
          version,
          name,
          email,
          status,
          createdAt,
          updatedAt: recordedOf.get(version)!,
          registeredAt: registeredAt!,
          recordedFrom: recordedAt,
          recordedTo: null,
          effectiveFrom: start,
          effectiveTo: starts[position + 1] ?? null,
        },
      ];
    });
    rows.push(...clipped, ...timeline);
  }
  return rows;
}

/**
 * The inline statements that keep the index in step with an append, by the same rules as
 * `userVersionRows`. The events, recorded at one instant n, take effect from e (the earliest of
 * them). Not backdated (e = n, the common case): the row open on both axes ends its effective
 * interval at n, and one row is added from n on both. Backdated (e < n): the rows known until now
 * whose effective interval reaches past e stop being known at n; what they held before e, and the
 * timeline from e (every change effective from e on, refolded with the new ones), are known from n.
 * One statement (an upsert: the rows it ends are given again and conflict), so that the append
 * stays one statement with one short prepared name; a second one adds the rows' corners to the
 * totals' counts (decision 030) when they do not cancel out.
 *
 * `history`: the stream's events before these (read and upcast), needed when any of them carries an
 * effectiveAt; `before`: the state they were decided on, at `version`.
 */
export function recordUserVersions(
  userId: string,
  decided: {
    before: UserState;
    version: number;
    events: readonly UserEvent[];
    history?: readonly RecordedUserEvent[];
  },
): Statement[] {
  const { before, version, events } = decided;
  const appended = notYetRecorded(events, version);
  const dated = appended.some((event) => event.data.effectiveAt !== undefined);
  let segments: { from: RecordedUserEvent; state: UserState }[];
  if (!dated) {
    let state = before;
    for (const event of appended) state = evolve(state, event);
    segments = [{ from: appended[0]!, state }];
  } else {
    if (!decided.history) throw new Error(`Dated events of user ${userId} need the stream's history`);
    // Ordered as on the effective axis, without the instants only PostgreSQL knows: a key that never
    // puts an event after one that is earlier there (equal instants may come apart; their empty
    // intervals are dropped).
    const keyOf = (event: RecordedUserEvent, isNew: boolean): [number, number, number] => {
      const effective = event.data.effectiveAt === undefined ? undefined : Date.parse(event.data.effectiveAt);
      if (isNew) return effective === undefined ? [Infinity, 1, event.version] : [effective, 0, event.version];
      const recorded = Date.parse(event.recordedAt);
      return effective !== undefined && effective < recorded
        ? [effective, 0, event.version]
        : [recorded, 1, event.version];
    };
    const compare = (a: [number, number, number], b: [number, number, number]) =>
      a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    const known = [
      ...decided.history.map((event) => ({ event, key: keyOf(event, false) })),
      ...appended.map((event) => ({ event, key: keyOf(event, true) })),
    ].sort((a, b) => compare(a.key, b.key));
    const first = appended
      .map((event) => keyOf(event, true))
      .reduce((earliest, key) => (compare(key, earliest) < 0 ? key : earliest));
    segments = known
      .filter(({ key }) => compare(key, first) >= 0)
      .map(({ event, key }) => ({
        from: event,
        state: foldKnown(known.filter((other) => compare(other.key, key) <= 0).map((other) => other.event)),
      }));
  }
  const shown = segments.flatMap(({ from, state }) => (state.status === "unregistered" ? [] : [{ from, state }]));
  const states = shown.map(({ state }) => state);
  // The rows this append writes: the ones it ends (given again, so they conflict and are updated),
  // what those held before a backdated change, and the new timeline.
  const written = `WITH given AS (
             SELECT given.*, at.recorded_at,
                    CASE WHEN given.explicit < date_trunc('milliseconds', at.recorded_at) THEN given.explicit ELSE at.recorded_at END AS effective_from,
                    (SELECT recorded_at FROM appended WHERE version = given.version
                     UNION ALL SELECT recorded_at FROM events WHERE stream_id = $2 AND version = given.version LIMIT 1) AS updated_at
               FROM unnest($3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[])
                    WITH ORDINALITY AS given(from_version, explicit, version, name, name_lower, email, status, ordinal)
              CROSS JOIN LATERAL (SELECT recorded_at FROM appended WHERE version = given.from_version
                                  UNION ALL SELECT recorded_at FROM events WHERE stream_id = $2 AND version = given.from_version LIMIT 1) AS at
           ), segment AS (
             SELECT given.*, lead(effective_from) OVER (ORDER BY ordinal) AS effective_to FROM given
           ), step AS (
             SELECT first.recorded_at, start.effective_from AS effective_at, start.effective_from < first.recorded_at AS backdated,
                    coalesce((SELECT recorded_at FROM appended WHERE version = 1),
                             (SELECT recorded_at FROM events WHERE stream_id = $2 AND version = 1)) AS registered_at
               FROM (SELECT min(recorded_at) AS recorded_at FROM appended HAVING count(*) > 0) AS first
               JOIN segment AS start ON start.ordinal = 1
           ), ending AS (
             SELECT old.* FROM user_versions AS old, step
              WHERE old.user_id = $1 AND old.recorded_to IS NULL
                AND (old.effective_to IS NULL OR (step.backdated AND old.effective_to > step.effective_at))
           )
           , written (${rowColumns}) AS (
           SELECT old.user_id, old.version, old.name, old.name_lower, old.email, old.status, old.created_at, old.updated_at, old.registered_at,
                  old.recorded_from, CASE WHEN step.backdated THEN step.recorded_at END,
                  old.effective_from, CASE WHEN step.backdated THEN old.effective_to ELSE step.recorded_at END
             FROM ending AS old, step
           UNION ALL
           SELECT old.user_id, old.version, old.name, old.name_lower, old.email, old.status, old.created_at, old.updated_at, old.registered_at,
                  step.recorded_at, NULL, old.effective_from, step.effective_at
             FROM ending AS old, step WHERE step.backdated AND old.effective_from < step.effective_at
           UNION ALL
           SELECT $1::uuid, segment.version, segment.name, segment.name_lower, segment.email, segment.status,
                  date_trunc('milliseconds', step.registered_at), segment.updated_at, step.registered_at,
                  step.recorded_at, NULL, segment.effective_from, segment.effective_to
             FROM segment, step WHERE segment.effective_to IS NULL OR segment.effective_to > segment.effective_from
           )`;
  const values = [
    userId,
    userStreamId(userId),
    shown.map(({ from }) => from.version),
    shown.map(({ from }) => from.data.effectiveAt ?? null),
    states.map((state) => state.version),
    states.map((state) => state.name),
    states.map((state) => state.name.toLowerCase()),
    states.map((state) => state.email),
    states.map((state) => state.status),
  ];
  const versions: Statement = {
    // Short names: the append's composed name must stay within PostgreSQL's 63 bytes to be prepared once.
    name: "versions",
    text: `${written} INSERT INTO user_versions (${rowColumns}) SELECT ${rowColumns} FROM written
           ON CONFLICT (user_id, recorded_from, effective_from)
           DO UPDATE SET recorded_to = EXCLUDED.recorded_to, effective_to = EXCLUDED.effective_to`,
    values,
  };
  // A change effective when recorded that keeps the user's status ends the one state open on both
  // axes exactly where the next begins: their corners cancel, the counts stay as they are. So the
  // common command (a rename) does not count at all.
  const keepsCounts =
    !dated && before.status !== "unregistered" && states.every((state) => state.status === before.status);
  if (keepsCounts) return [versions];
  // The same rows, counted: a statement of its own, since a data-modifying CTE cannot nest in the append's.
  const counts: Statement = {
    name: "counts",
    text: `${written}, change AS (${cornersOf("written", 1)} UNION ALL ${cornersOf("ending", -1)}) ${addCorners("change")}`,
    values,
  };
  return [versions, counts];
}

const rowColumns =
  "user_id, version, name, name_lower, email, status, created_at, updated_at, registered_at, recorded_from, recorded_to, effective_from, effective_to";

// The rows given, as arrays: instants as text to the microsecond.
const givenRows = `
  given AS (
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
                         $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[])
      AS given(${rowColumns})
  )`;

const rowValues = (rows: readonly UserVersionRow[]) => {
  const instant = (micros: Micros | null) => (micros === null ? null : microsText(micros));
  return [
    rows.map((row) => row.userId),
    rows.map((row) => row.version),
    rows.map((row) => row.name),
    rows.map((row) => row.name.toLowerCase()),
    rows.map((row) => row.email),
    rows.map((row) => row.status),
    rows.map((row) => row.createdAt),
    rows.map((row) => instant(row.updatedAt)),
    rows.map((row) => instant(row.registeredAt)),
    rows.map((row) => instant(row.recordedFrom)),
    rows.map((row) => instant(row.recordedTo)),
    rows.map((row) => instant(row.effectiveFrom)),
    rows.map((row) => instant(row.effectiveTo)),
  ];
};

/** Of these users, the ones whose rows in the index differ from `rows` (what their events make). */
async function usersThatDiffer(
  database: Queryable,
  userIds: readonly string[],
  rows: readonly UserVersionRow[],
): Promise<string[]> {
  const differing = await database.query<{ user_id: string }>(
    `WITH ${givenRows}, stored AS (SELECT * FROM user_versions WHERE user_id = ANY($14::uuid[]))
     SELECT DISTINCT coalesce(given.user_id, stored.user_id)::text AS user_id
       FROM given FULL JOIN stored
         ON stored.user_id = given.user_id AND stored.recorded_from = given.recorded_from AND stored.effective_from = given.effective_from
      WHERE (given.version, given.name, given.name_lower, given.email, given.status, given.created_at, given.updated_at,
             given.registered_at, given.recorded_to, given.effective_to)
            IS DISTINCT FROM (stored.version, stored.name, stored.name_lower, stored.email, stored.status, stored.created_at,
             stored.updated_at, stored.registered_at, stored.recorded_to, stored.effective_to)`,
    [...rowValues(rows), userIds],
  );
  return differing.map((row) => row.user_id);
}

/** A stream's events with their recorded instants to the microsecond. */
interface TimedEvents {
  events: RecordedEvent[];
  micros: Map<string, Micros>;
}

const eventKey = (event: { streamId: string; version: number }) => `${event.streamId}/${event.version}`;

const rowsOf = ({ events, micros }: TimedEvents) =>
  rowsByStream(events).flatMap((stream) => userVersionRows(stream, (event) => micros.get(eventKey(event))!));

/**
 * Replaces these users' rows by what their events make. Names and emails are written in clear: the
 * users' keys are held in this transaction (decision 012), and a user forgotten since their events
 * were read gets "[erased]".
 */
async function rewriteUsers(database: Database, timed: TimedEvents, userIds: readonly string[]): Promise<void> {
  await database.transaction(async (tx) => {
    const writable = await holdKeysForWriting(tx, [...timed.events]);
    await deleteUserVersions(tx, userIds);
    await insertUserVersions(tx, rowsOf({ events: writable, micros: timed.micros }));
  });
}

/** Adds these rows to the index. */
export async function insertUserVersions(database: Queryable, rows: readonly UserVersionRow[]): Promise<void> {
  await database.query(
    `WITH ${givenRows}, inserted AS (INSERT INTO user_versions (${rowColumns}) SELECT ${rowColumns} FROM given),
          change AS (${cornersOf("given", 1)})
     ${addCorners("change")}`,
    rowValues(rows),
  );
}

/** Deletes these users' rows from the index, and from its counts. */
async function deleteUserVersions(database: Queryable, userIds: readonly string[]): Promise<void> {
  await database.query(
    `WITH removed AS (DELETE FROM user_versions WHERE user_id = ANY($1::uuid[]) RETURNING *),
          change AS (${cornersOf("removed", -1)})
     ${addCorners("change")}`,
    [userIds],
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
  /** Counts of the index (its totals, decision 030) that differed from its rows (rebuilt when repairing). */
  countsDiffering: number;
}

const usersPerBatch = 500;
const userStreamPrefix = `${userStreamType}-`;

/**
 * Compares the index with what the log makes, user by user, and with `repair` rewrites the users
 * that differ; then its counts with its rows. Safe to run beside a live server; a user changed by a command while it is being
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
  const check: UserVersionsCheck = { users: 0, differing: [], orphans: 0, stillDiffering: [], countsDiffering: 0 };
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
    const eventsOf = async (): Promise<TimedEvents> => {
      const rows = await database.query<EventRow & { recorded_micros: string }>(
        `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at,
                (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS recorded_micros
           FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version`,
        [streamIds],
      );
      const micros = new Map(
        rows.map((row) => [eventKey({ streamId: row.stream_id, version: row.version }), Number(row.recorded_micros)]),
      );
      return { events: await read(rows.map(toRecordedEvent)), micros };
    };
    const timed = await eventsOf();
    const differing = await usersThatDiffer(database, userIds, rowsOf(timed));
    check.users += streams.length;
    check.differing.push(...differing);
    if (options.repair && differing.length > 0) {
      const wanted = new Set(differing.map((userId) => `${userStreamPrefix}${userId}`));
      const only = ({ events, micros }: TimedEvents) => ({
        events: events.filter((event) => wanted.has(event.streamId)),
        micros,
      });
      await rewriteUsers(database, only(timed), differing);
      check.stillDiffering.push(...(await usersThatDiffer(database, differing, rowsOf(only(await eventsOf())))));
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
    await deleteUserVersions(
      database,
      orphans.map((row) => row.user_id),
    );
  }
  // After the rows: their counts are checked against the rows as repaired.
  check.countsDiffering = await checkUserVersionCounts(database, options);
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
