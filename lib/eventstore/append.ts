// Appending to a stream: one statement (the events and any inline projection), then, when it is
// refused, what the refusal means: a retried command, a lost race worth another try, or a
// stream that is not where the caller expected.
import { randomUUID } from "node:crypto";
import type { Statement } from "../db/database";
import { InvalidEventStoreArgument, WrongExpectedVersion } from "./errors";
import { type EventRow, type StoreContext } from "./event-rows";
import {
  appendOneStatement,
  appendStatement,
  commandEventsStatement,
  streamVersionStatement,
  withInlineStatements,
} from "./sql";
import type { AppendMetadata, AppendResult, EventMetadata, ExpectedVersion, NewEvent, RecordedEvent } from "./types";
import { checkEvents, checkExpectedVersion, checkInstant, checkJson, checkStreamId } from "./validate";

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
  /** Defaults to the stream id's prefix before the first "-" ("user-42" → "user"). */
  streamType?: string;
  metadata?: AppendMetadata;
  /**
   * When the events happened, for imports and generated histories; defaults to the transaction's
   * time, or a microsecond after the stream's last event if the clock puts it earlier.
   */
  recordedAt?: Date;
  /**
   * Inline projections: one data-modifying SQL statement (or several), run within the append's own
   * statement (one round trip, no explicit transaction): if one fails, nothing is appended. Each may
   * read the CTE `appended` (version, position, recorded_at of the rows written) and must write
   * nothing when `appended` is empty (a refused append). Each numbers its own parameters $1, $2….
   */
  inlineStatement?: Statement | Statement[];
}

const uniqueViolation = "23505";
// The events table's two unique keys, by name: events_pkey and events_stream_id_command_id_key — or,
// when the table is partitioned or sharded, what PostgreSQL (events_p3_pkey, events_p3_stream_id_command_id_idx)
// or Citus (events_pkey_102008) call their copies on each partition or shard.
const streamVersionKey = /^events(_\w+)?_pkey(_\d+)?$/;
const commandKey = /^events(_\w+)?_stream_id_command_id_(key|idx\d*)(_\d+)?$/;
const maxAppendAttempts = 20;

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

/** A checked append, ready to run: its statement and what the recorded events will carry. */
interface PreparedAppend {
  streamType: string;
  statement: Statement;
  eventMetadata: EventMetadata[];
  versionRange: [min: number, max: number];
  /** Set only when the caller named the command, so that a retry of it is recognised. */
  callerCommandId: string | undefined;
}

function prepareAppend(streamId: string, events: NewEvent[], options: AppendOptions): PreparedAppend {
  checkStreamId(streamId);
  checkEvents(events);
  const versionRange = checkExpectedVersion(options?.expectedVersion);
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
  const [minVersion, maxVersion] = versionRange;
  // One event (the common case) has its own statement, without arrays to build and unnest.
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
  const inline = options.inlineStatement === undefined ? [] : [options.inlineStatement].flat();
  return {
    streamType,
    statement: withInlineStatements(append, inline),
    eventMetadata,
    versionRange,
    callerCommandId: metadata.commandId,
  };
}

/** The events as recorded: what the caller gave, with the positions, versions and instants the database chose. */
function recordedEvents(
  streamId: string,
  events: NewEvent[],
  prepared: PreparedAppend,
  rows: { version: number; position: number; recorded_at: Date }[],
): RecordedEvent[] {
  const firstVersion = Math.min(...rows.map((row) => row.version));
  return rows
    .map((row) => {
      const index = row.version - firstVersion;
      return {
        position: row.position,
        streamId,
        streamType: prepared.streamType,
        version: row.version,
        type: events[index]!.type,
        data: events[index]!.data,
        metadata: prepared.eventMetadata[index]!,
        recordedAt: row.recorded_at,
      };
    })
    .sort((a, b) => a.version - b.version);
}

async function streamVersion({ database }: StoreContext, streamId: string): Promise<number> {
  const [row] = await database.query<{ version: number }>({
    name: "rewind.stream_version",
    text: streamVersionStatement,
    values: [streamId],
  });
  return row?.version ?? 0;
}

async function findAppendByCommand(
  context: StoreContext,
  streamId: string,
  commandId: string,
): Promise<AppendResult | undefined> {
  const rows = await context.database.query<EventRow>({
    name: "rewind.command_events",
    text: commandEventsStatement,
    values: [streamId, commandId],
  });
  if (rows.length === 0) return undefined;
  const events = await context.read(rows);
  return { version: events[events.length - 1]!.version, events, replayed: true };
}

export async function appendToStream(
  context: StoreContext,
  streamId: string,
  events: NewEvent[],
  options: AppendOptions,
): Promise<AppendResult> {
  const prepared = prepareAppend(streamId, events, options);
  const [minVersion, maxVersion] = prepared.versionRange;
  for (let attempt = 1; ; attempt++) {
    let versionTaken = false;
    try {
      const rows = await context.database.query<{ version: number; position: number; recorded_at: Date }>(
        prepared.statement,
      );
      if (rows.length > 0) {
        const recorded = recordedEvents(streamId, events, prepared, rows);
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
    if (prepared.callerCommandId !== undefined) {
      const original = await findAppendByCommand(context, streamId, prepared.callerCommandId);
      if (original) return original;
    }
    // With "any" (or "stream_exists" on an existing stream) the caller did not care which version
    // it lands on: losing a race to another append is no reason to fail.
    const current = await streamVersion(context, streamId);
    const stillAcceptable = current >= minVersion && current <= maxVersion;
    if (versionTaken && stillAcceptable && minVersion !== maxVersion && attempt < maxAppendAttempts) continue;
    throw new WrongExpectedVersion(streamId, options.expectedVersion, current);
  }
}
