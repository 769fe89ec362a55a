// The event store: an append-only log of events in PostgreSQL, grouped in streams.
// It knows nothing of users; lib/domain gives the events meaning.
import { randomUUID } from "node:crypto";
import type { Database, Queryable, Row, Statement } from "../db/database";
import { InvalidEventStoreArgument, UnknownPosition, WrongExpectedVersion } from "./errors";
import type {
  AggregateResult,
  AppendMetadata,
  AppendResult,
  EventMetadata,
  ExpectedVersion,
  Fold,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from "./types";
import { checkEvents, checkExpectedVersion, checkInstant, checkJson, checkStreamId, checkVersionBound } from "./validate";

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Defaults to the stream id's prefix before the first "-" ("user-42" → "user"). */
  streamType?: string;
  metadata?: AppendMetadata;
  /** When the events happened, for imports and generated histories; defaults to the transaction's time. */
  recordedAt?: Date;
  /**
   * Runs inside the append's transaction once the events are written (inline projections).
   * If it throws, nothing is appended.
   */
  inline?: (tx: Queryable, events: RecordedEvent[]) => Promise<void>;
  /**
   * An inline projection as one SQL statement (or several), run within the append's own statement
   * (one round trip, no explicit transaction): if one fails, nothing is appended. Each may read the
   * CTE `appended` (version, position, recorded_at of the rows written) and must write nothing when
   * `appended` is empty (a refused append). Its parameters are $1, $2…; its text must not contain
   * `$` otherwise.
   */
  inlineStatement?: Statement | Statement[];
}

export interface EventStore {
  appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** The position of the last event readAll would return now (0 when there is none). */
  headPosition(): Promise<number>;
  /** How many events readAll would return now after `position`: a subscriber's lag. */
  countAfter(position: number): Promise<number>;
  aggregateStream<State>(
    streamId: string,
    fold: Fold<State>,
    options?: Pick<ReadStreamOptions, "toVersion" | "until">,
  ): Promise<AggregateResult<State>>;
}

const eventColumns = "position, stream_id, stream_type, version, type, data, metadata, recorded_at";

// One statement, one round trip: the head version is read and checked against the expected range,
// and the events are numbered from it. A concurrent append that wins the race makes this one fail
// on the (stream_id, version) primary key, never produces a gap or a duplicate.
const appendStatement = `
INSERT INTO events (stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
SELECT $1, $2, head.version + batch.ordinal, batch.type, batch.data::jsonb, batch.metadata::jsonb,
       CASE WHEN batch.ordinal = 1 THEN $6 END, coalesce(batch.recorded_at, $7::timestamptz, now())
  FROM (SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1) AS head
 CROSS JOIN unnest($3::text[], $4::text[], $5::text[], $10::timestamptz[])
       WITH ORDINALITY AS batch(type, data, metadata, recorded_at, ordinal)
 WHERE head.version BETWEEN $8 AND $9
RETURNING version, position, recorded_at`;

// The same for the common case of one event, without the arrays (cheaper to encode and to plan).
const appendOneStatement = `
INSERT INTO events (stream_id, stream_type, version, type, data, metadata, command_id, recorded_at)
SELECT $1, $2, head.version + 1, $3, $4::jsonb, $5::jsonb, $6, coalesce($7::timestamptz, now())
  FROM (SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1) AS head
 WHERE head.version BETWEEN $8 AND $9
RETURNING version, position, recorded_at`;

const streamVersionStatement = `SELECT coalesce(max(version), 0) AS version FROM events WHERE stream_id = $1`;

// The events of one earlier append, found by its command id (set on the append's first event).
const commandEventsStatement = `
SELECT ${eventColumns} FROM events
 WHERE stream_id = $1
   AND version >= (SELECT version FROM events WHERE stream_id = $1 AND command_id = $2)
   AND metadata->>'commandId' = $2
 ORDER BY version`;

const readStreamStatement = `
SELECT ${eventColumns} FROM events
 WHERE stream_id = $1 AND version BETWEEN $2 AND $3 AND ($4::timestamptz IS NULL OR recorded_at <= $4)
 ORDER BY version`;

// Sequence values are taken at insert and become visible at commit, so positions appear out of
// order under concurrency. Reading in (transaction id, position) order, only from transactions
// older than every transaction still in flight, gives an order in which nothing can later appear
// behind a reader: every transaction below the snapshot's xmin has ended.
const afterCursor = `
 WHERE (transaction_id, position) > (
         CASE WHEN $1::bigint = 0 THEN '0'::xid8
              ELSE (SELECT transaction_id FROM events WHERE position = $1::bigint) END,
         $1::bigint)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

const readAllStatement = `
SELECT ${eventColumns} FROM events ${afterCursor}
   AND ($3::text[] IS NULL OR type = ANY($3::text[]))
 ORDER BY transaction_id, position
 LIMIT $2`;

// The same page, but only the kept types' rows come back whole (the others are only counted and
// passed), with the page's last position and size on every row — or on one empty row when none is kept.
const readAllKeptStatement = `
WITH page AS (
  SELECT transaction_id, position, type FROM events ${afterCursor}
   ORDER BY transaction_id, position
   LIMIT $2
), last AS (
  SELECT position, count(*) OVER () AS scanned FROM page ORDER BY transaction_id DESC, position DESC LIMIT 1
)
SELECT ${eventColumns
  .split(", ")
  .map((column) => `e.${column}`)
  .join(", ")}, last.position AS last_position, last.scanned
  FROM last
  LEFT JOIN page ON page.type = ANY($3::text[])
  -- One index probe per kept row: LIMIT keeps the planner from turning this into a join over the
  -- whole table (which it does on a freshly loaded table, before statistics say positions are unique).
  LEFT JOIN LATERAL (SELECT * FROM events WHERE events.position = page.position LIMIT 1) e ON true
 ORDER BY page.transaction_id, page.position`;

const nearestSnapshotStatement = `
SELECT version, state, max_recorded_at FROM snapshots
 WHERE stream_id = $1 AND fold_name = $2 AND fold_version = $3 AND version <= $4
   AND ($5::timestamptz IS NULL OR max_recorded_at <= $5)
 ORDER BY version DESC
 LIMIT 1`;

const saveSnapshotsStatement = `
INSERT INTO snapshots (stream_id, fold_name, fold_version, version, state, max_recorded_at)
SELECT $1, $2, $3, taken.version, taken.state::jsonb, taken.max_recorded_at
  FROM unnest($4::int[], $5::text[], $6::timestamptz[]) AS taken(version, state, max_recorded_at)
ON CONFLICT DO NOTHING`;

const countAfterStatement = `SELECT count(*)::bigint AS count FROM events ${afterCursor}`;

const positionExistsStatement = `SELECT 1 FROM events WHERE position = $1 LIMIT 1`;

// The last event readAll can return now: where a subscriber that wants only new events starts.
const headPositionStatement = `
SELECT position FROM events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id DESC, position DESC
 LIMIT 1`;

const uniqueViolation = "23505";
// The events table's two unique keys, by name: events_pkey and events_stream_id_command_id_key — or,
// when the table is partitioned or sharded, what PostgreSQL (events_p3_pkey, events_p3_stream_id_command_id_idx)
// or Citus (events_pkey_102008) call their copies on each partition or shard.
const streamVersionKey = /^events(_\w+)?_pkey(_\d+)?$/;
const commandKey = /^events(_\w+)?_stream_id_command_id_(key|idx\d*)(_\d+)?$/;
const maxAppendAttempts = 20;
const maxReadAllLimit = 10_000;
const maxStreamVersion = 2_147_483_647;

/** A row of the events table as selected with `*` (or these columns). */
export interface EventRow extends Row {
  position: number;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: RecordedEvent["data"];
  metadata: EventMetadata;
  recorded_at: Date;
}

/** A row of the events table as the store hands it out (before its read transform). */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

function databaseErrorOf(error: unknown): { code?: string; constraint?: string } {
  return typeof error === "object" && error !== null ? error : {};
}

function checkMetadata(metadata: AppendMetadata | undefined): AppendMetadata {
  if (metadata === undefined) return {};
  for (const key of ["commandId", "correlationId", "causationId", "actor"] as const) {
    const value = metadata[key];
    if (value !== undefined && (typeof value !== "string" || value === "" || value.length > 255)) {
      throw new InvalidEventStoreArgument(`metadata.${key}`, "must be a non-empty string of at most 255 characters");
    }
  }
  if (metadata.extra !== undefined) checkJson(metadata.extra, "metadata.extra");
  return metadata;
}

export interface EventStoreOptions {
  /** Called after each append that wrote events (once committed): wakes subscribers up. */
  onAppended?: () => void;
  /**
   * Applied to every batch of events read (streams, the feed, folds): decrypts what the application
   * encrypted, turns an event stored in an older schema into today's shape. Stored rows are never
   * rewritten.
   */
  transformRead?: (events: RecordedEvent[]) => Promise<RecordedEvent[]> | RecordedEvent[];
  /**
   * Runs in the transaction that keeps a stream's snapshots, before it writes them: false keeps none.
   * A snapshot holds state folded from events read (and transformed) earlier; the application uses
   * this to hold what those events were decrypted with, and to keep nothing once it is gone.
   */
  mayKeepSnapshots?: (tx: Queryable, streamId: string) => Promise<boolean>;
  /** Keeping snapshots is best effort: a failure is reported here (default: the console) and reads fold from events. */
  onSnapshotFailed?: (streamId: string, error: unknown) => void;
}

export function createEventStore(database: Database, storeOptions: EventStoreOptions = {}): EventStore {
  const transformRead = storeOptions.transformRead ?? ((events: RecordedEvent[]) => events);
  const onSnapshotFailed =
    storeOptions.onSnapshotFailed ??
    ((streamId: string, error: unknown) => console.warn(`Could not keep snapshots of ${streamId}:`, error));
  const read = async (rows: EventRow[]) => (rows.length === 0 ? [] : transformRead(rows.map(toRecordedEvent)));

  async function streamVersion(streamId: string): Promise<number> {
    const [row] = await database.query<{ version: number }>({
      name: "rewind.stream_version",
      text: streamVersionStatement,
      values: [streamId],
    });
    return row?.version ?? 0;
  }

  async function findAppendByCommand(streamId: string, commandId: string): Promise<AppendResult | undefined> {
    const rows = await database.query<EventRow>({
      name: "rewind.command_events",
      text: commandEventsStatement,
      values: [streamId, commandId],
    });
    if (rows.length === 0) return undefined;
    const events = await read(rows);
    return { version: events[events.length - 1]!.version, events, replayed: true };
  }

  async function appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    checkStreamId(streamId);
    checkEvents(events);
    const [minVersion, maxVersion] = checkExpectedVersion(options?.expectedVersion);
    const metadata = checkMetadata(options.metadata);
    const recordedAt = checkInstant("recordedAt", options.recordedAt);
    const streamType = options.streamType ?? streamId.split("-", 1)[0]!;

    const commandId = metadata.commandId ?? randomUUID();
    const recordedBy = {
      commandId,
      correlationId: metadata.correlationId ?? commandId,
      causationId: metadata.causationId ?? commandId,
      actor: metadata.actor ?? "anonymous",
    };
    const eventMetadata: EventMetadata[] = events.map((event) => ({
      ...metadata.extra,
      ...event.metadata,
      eventId: randomUUID(),
      ...recordedBy,
    }));
    const single = events.length === 1;
    const statement: { name: string | undefined; text: string; values: unknown[] } = {
      name: single ? "rewind.append_one" : "rewind.append",
      text: single ? appendOneStatement : appendStatement,
      values: [
        streamId,
        streamType,
        single ? events[0]!.type : events.map((event) => event.type),
        single ? JSON.stringify(events[0]!.data) : events.map((event) => JSON.stringify(event.data)),
        single ? JSON.stringify(eventMetadata[0]) : eventMetadata.map((entry) => JSON.stringify(entry)),
        commandId,
        single ? (events[0]!.recordedAt ?? recordedAt ?? null) : (recordedAt ?? null),
        minVersion,
        maxVersion,
        ...(single ? [] : [events.map((event) => event.recordedAt ?? null)]),
      ],
    };

    const inlineStatements = options.inlineStatement === undefined ? [] : [options.inlineStatement].flat();
    if (inlineStatements.length > 0) {
      const companions = inlineStatements.map((inlineStatement, index) => {
        const offset = statement.values.length;
        const text = inlineStatement.text.replace(/\$(\d+)/g, (_, parameter: string) => `$${Number(parameter) + offset}`);
        statement.name = statement.name && inlineStatement.name ? `${statement.name}+${inlineStatement.name}` : undefined;
        statement.values = [...statement.values, ...(inlineStatement.values ?? [])];
        return `inline_projection${index === 0 ? "" : `_${index + 1}`} AS (${text})`;
      });
      statement.text = `WITH appended AS (${statement.text}), ${companions.join(", ")} SELECT version, position, recorded_at FROM appended`;
    }

    const insert = async (on: Queryable): Promise<RecordedEvent[]> => {
      const rows = await on.query<{ version: number; position: number; recorded_at: Date }>(statement);
      if (rows.length === 0) return [];
      const firstVersion = Math.min(...rows.map((row) => row.version));
      const recorded = rows.map((row) => {
        const index = row.version - firstVersion;
        return {
          position: row.position,
          streamId,
          streamType,
          version: row.version,
          type: events[index]!.type,
          data: events[index]!.data,
          metadata: eventMetadata[index]!,
          recordedAt: row.recorded_at,
        };
      });
      return recorded.sort((a, b) => a.version - b.version);
    };

    const { inline } = options;
    for (let attempt = 1; ; attempt++) {
      let versionTaken = false;
      try {
        const recorded = inline
          ? await database.transaction(async (tx) => {
              const written = await insert(tx);
              if (written.length > 0) await inline(tx, written);
              return written;
            })
          : await insert(database);
        if (recorded.length > 0) {
          storeOptions.onAppended?.();
          return { version: recorded[recorded.length - 1]!.version, events: recorded, replayed: false };
        }
      } catch (error) {
        const { code, constraint } = databaseErrorOf(error);
        // Other unique violations (say, in an inline projection) are the caller's to interpret.
        const isVersionKey = streamVersionKey.test(constraint ?? "");
        if (code !== uniqueViolation || !(isVersionKey || commandKey.test(constraint ?? ""))) throw error;
        versionTaken = isVersionKey;
      }
      // Refused: the stream was not where the caller expected, or a concurrent append won the race.
      if (metadata.commandId !== undefined) {
        const original = await findAppendByCommand(streamId, metadata.commandId);
        if (original) return original;
      }
      // With "any" (or "stream_exists" on an existing stream) the caller did not care which version
      // it lands on: losing a race to another append is no reason to fail.
      const current = await streamVersion(streamId);
      const stillAcceptable = current >= minVersion && current <= maxVersion;
      if (versionTaken && stillAcceptable && minVersion !== maxVersion && attempt < maxAppendAttempts) continue;
      throw new WrongExpectedVersion(streamId, options.expectedVersion, current);
    }
  }

  async function readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    checkStreamId(streamId);
    const fromVersion = checkVersionBound("fromVersion", options.fromVersion) ?? 1;
    const toVersion = checkVersionBound("toVersion", options.toVersion) ?? maxStreamVersion;
    const until = checkInstant("until", options.until) ?? null;
    const rows = await database.query<EventRow>({
      name: "rewind.read_stream",
      text: readStreamStatement,
      values: [streamId, fromVersion, toVersion, until],
    });
    return await read(rows);
  }

  async function readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? 0;
    if (!Number.isSafeInteger(after) || after < 0) {
      throw new InvalidEventStoreArgument("after", "must be a whole number >= 0");
    }
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > maxReadAllLimit) {
      throw new InvalidEventStoreArgument("limit", `must be a whole number from 1 to ${maxReadAllLimit}`);
    }
    const types = options.types ?? null;
    if (types !== null && (!Array.isArray(types) || types.some((type) => typeof type !== "string"))) {
      throw new InvalidEventStoreArgument("types", "must be an array of event types");
    }
    if (options.keepTypes) return readAllKept(after, limit, options.keepTypes);
    const rows = await database.query<EventRow>({
      name: "rewind.read_all",
      text: readAllStatement,
      values: [after, limit, types],
    });
    if (rows.length === 0 && after > 0) {
      const known = await database.query({ name: "rewind.position_exists", text: positionExistsStatement, values: [after] });
      if (known.length === 0) throw new UnknownPosition(after);
    }
    const events = await read(rows);
    return { events, lastPosition: events.length > 0 ? events[events.length - 1]!.position : after, scanned: rows.length };
  }

  async function readAllKept(after: number, limit: number, keepTypes: readonly string[]): Promise<ReadAllResult> {
    if (!Array.isArray(keepTypes) || keepTypes.some((type) => typeof type !== "string")) {
      throw new InvalidEventStoreArgument("keepTypes", "must be an array of event types");
    }
    const rows = await database.query<EventRow & { last_position: number; scanned: number }>({
      name: "rewind.read_all_kept",
      text: readAllKeptStatement,
      values: [after, limit, keepTypes],
    });
    if (rows.length === 0) {
      if (after > 0) {
        const known = await database.query({ name: "rewind.position_exists", text: positionExistsStatement, values: [after] });
        if (known.length === 0) throw new UnknownPosition(after);
      }
      return { events: [], lastPosition: after, scanned: 0 };
    }
    const events = await read(rows.filter((row) => row.position !== null));
    return { events, lastPosition: rows[0]!.last_position, scanned: Number(rows[0]!.scanned) };
  }

  async function aggregateStream<State>(
    streamId: string,
    fold: Fold<State>,
    options: Pick<ReadStreamOptions, "toVersion" | "until"> = {},
  ): Promise<AggregateResult<State>> {
    checkStreamId(streamId);
    const toVersion = checkVersionBound("toVersion", options.toVersion) ?? maxStreamVersion;
    const until = checkInstant("until", options.until) ?? null;
    const snapshots = fold.snapshots;

    let state = fold.initialState;
    let version = 0;
    let maxRecordedAt = 0;
    if (snapshots) {
      const [nearest] = await database.query<{ version: number; state: State; max_recorded_at: Date }>({
        name: "rewind.nearest_snapshot",
        text: nearestSnapshotStatement,
        values: [streamId, snapshots.name, snapshots.version, toVersion, until],
      });
      if (nearest) {
        state = nearest.state;
        version = nearest.version;
        maxRecordedAt = nearest.max_recorded_at.getTime();
      }
    }

    const events = await readStream(streamId, { fromVersion: version + 1, toVersion, until: until ?? undefined });
    const taken: { version: number; state: State; maxRecordedAt: number }[] = [];
    // A snapshot is only true when every version up to it was folded (a fold up to an instant may skip some).
    let contiguous = true;
    for (const event of events) {
      contiguous &&= event.version === version + 1;
      state = fold.evolve(state, event);
      version = event.version;
      maxRecordedAt = Math.max(maxRecordedAt, event.recordedAt.getTime());
      if (snapshots && contiguous && version % snapshots.every === 0) taken.push({ version, state, maxRecordedAt });
    }
    if (snapshots && taken.length > 0) await saveSnapshots(streamId, snapshots, taken);
    return { state, version };
  }

  async function saveSnapshots(
    streamId: string,
    fold: { name: string; version: number },
    taken: { version: number; state: unknown; maxRecordedAt: number }[],
  ): Promise<void> {
    const save = (on: Queryable) =>
      on.query({
        name: "rewind.save_snapshots",
        text: saveSnapshotsStatement,
        values: [
          streamId,
          fold.name,
          fold.version,
          taken.map((snapshot) => snapshot.version),
          taken.map((snapshot) => JSON.stringify(snapshot.state)),
          taken.map((snapshot) => new Date(snapshot.maxRecordedAt)),
        ],
      });
    const { mayKeepSnapshots } = storeOptions;
    // Derived data: failing to keep one costs only speed, so a failure here is not the reader's.
    await (
      mayKeepSnapshots
        ? database.transaction(async (tx) => {
            if (await mayKeepSnapshots(tx, streamId)) await save(tx);
          })
        : save(database)
    ).catch((error: unknown) => onSnapshotFailed(streamId, error));
  }

  async function headPosition(): Promise<number> {
    const [row] = await database.query<{ position: number }>({ name: "rewind.head_position", text: headPositionStatement });
    return row?.position ?? 0;
  }

  async function countAfter(position: number): Promise<number> {
    if (!Number.isSafeInteger(position) || position < 0) throw new InvalidEventStoreArgument("position", "must be a whole number >= 0");
    const [row] = await database.query<{ count: number }>({ name: "rewind.count_after", text: countAfterStatement, values: [position] });
    return row?.count ?? 0;
  }

  return { appendToStream, readStream, readAll, headPosition, countAfter, aggregateStream };
}
