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
import {
  appendOneStatement,
  appendStatement,
  commandEventsStatement,
  countAfterStatement,
  headPositionStatement,
  positionExistsStatement,
  readAllKeptStatement,
  readAllStatement,
  readStreamStatement,
  saveSnapshotsStatement,
  snapshotAndEventsStatement,
  streamVersionStatement,
  withInlineStatements,
} from "./sql";
import {
  checkEvents,
  checkExpectedVersion,
  checkInstant,
  checkJson,
  checkStreamId,
  checkVersionBound,
} from "./validate";

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Defaults to the stream id's prefix before the first "-" ("user-42" → "user"). */
  streamType?: string;
  metadata?: AppendMetadata;
  /** When the events happened, for imports and generated histories; defaults to the transaction's time. */
  recordedAt?: Date;
  /**
   * Inline projections: one data-modifying SQL statement (or several), run within the append's own
   * statement (one round trip, no explicit transaction): if one fails, nothing is appended. Each may
   * read the CTE `appended` (version, position, recorded_at of the rows written) and must write
   * nothing when `appended` is empty (a refused append). Each numbers its own parameters $1, $2….
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
    const append: Statement = {
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
    const statement = withInlineStatements(
      append,
      options.inlineStatement === undefined ? [] : [options.inlineStatement].flat(),
    );

    const insert = async (): Promise<RecordedEvent[]> => {
      const rows = await database.query<{ version: number; position: number; recorded_at: Date }>(statement);
      const firstVersion = Math.min(...rows.map((row) => row.version));
      return rows
        .map((row) => {
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
        })
        .sort((a, b) => a.version - b.version);
    };

    for (let attempt = 1; ; attempt++) {
      let versionTaken = false;
      try {
        const recorded = await insert();
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
    if (options.keepTypes) return readAllKept(after, limit, options.keepTypes);
    const rows = await database.query<EventRow>({
      name: "rewind.read_all",
      text: readAllStatement,
      values: [after, limit],
    });
    if (rows.length === 0 && after > 0) {
      const known = await database.query({
        name: "rewind.position_exists",
        text: positionExistsStatement,
        values: [after],
      });
      if (known.length === 0) throw new UnknownPosition(after);
    }
    const events = await read(rows);
    return {
      events,
      lastPosition: events.length > 0 ? events[events.length - 1]!.position : after,
      scanned: rows.length,
    };
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
        const known = await database.query({
          name: "rewind.position_exists",
          text: positionExistsStatement,
          values: [after],
        });
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
    let events: RecordedEvent[];
    if (snapshots) {
      const rows = await database.query<EventRow & { is_snapshot: boolean }>({
        name: "rewind.snapshot_and_events",
        text: snapshotAndEventsStatement,
        values: [streamId, snapshots.name, snapshots.version, toVersion, until],
      });
      const nearest = rows[0]?.is_snapshot ? rows[0] : undefined;
      if (nearest) {
        state = nearest.data as State;
        version = nearest.version;
        maxRecordedAt = nearest.recorded_at.getTime();
      }
      events = await read(nearest ? rows.slice(1) : rows);
    } else {
      events = await readStream(streamId, { toVersion, until: until ?? undefined });
    }

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
    const [row] = await database.query<{ position: number }>({
      name: "rewind.head_position",
      text: headPositionStatement,
    });
    return row?.position ?? 0;
  }

  async function countAfter(position: number): Promise<number> {
    if (!Number.isSafeInteger(position) || position < 0)
      throw new InvalidEventStoreArgument("position", "must be a whole number >= 0");
    const [row] = await database.query<{ count: number }>({
      name: "rewind.count_after",
      text: countAfterStatement,
      values: [position],
    });
    return row?.count ?? 0;
  }

  return { appendToStream, readStream, readAll, headPosition, countAfter, aggregateStream };
}
