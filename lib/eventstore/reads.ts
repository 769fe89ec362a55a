// Reading the log: one stream, or all streams in the order they were recorded (the feed).
import { InvalidEventStoreArgument, UnknownPosition } from "./errors";
import { maxStreamVersion, type EventRow, type StoreContext } from "./event-rows";
import {
  countAfterStatement,
  headPositionStatement,
  positionExistsStatement,
  readAllKeptStatement,
  readAllStatement,
  readStreamStatement,
} from "./sql";
import type { ReadAllOptions, ReadAllResult, ReadStreamOptions, RecordedEvent } from "./types";
import { checkInstant, checkStreamId, checkVersionBound } from "./validate";

const maxReadAllLimit = 10_000;

export async function readStream(
  context: StoreContext,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  checkStreamId(streamId);
  const fromVersion = checkVersionBound("fromVersion", options.fromVersion) ?? 1;
  const toVersion = checkVersionBound("toVersion", options.toVersion) ?? maxStreamVersion;
  const until = checkInstant("until", options.until) ?? null;
  const rows = await context.database.query<EventRow>({
    name: "rewind.read_stream",
    text: readStreamStatement,
    values: [streamId, fromVersion, toVersion, until],
  });
  return await context.read(rows);
}

/** A position past which nothing was read must at least exist: a forged one is an error, not an empty page. */
async function checkPositionExists({ database }: StoreContext, after: number): Promise<void> {
  if (after === 0) return;
  const known = await database.query({
    name: "rewind.position_exists",
    text: positionExistsStatement,
    values: [after],
  });
  if (known.length === 0) throw new UnknownPosition(after);
}

export async function readAll(context: StoreContext, options: ReadAllOptions = {}): Promise<ReadAllResult> {
  const after = options.after ?? 0;
  if (!Number.isSafeInteger(after) || after < 0) {
    throw new InvalidEventStoreArgument("after", "must be a whole number >= 0");
  }
  const limit = options.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxReadAllLimit) {
    throw new InvalidEventStoreArgument("limit", `must be a whole number from 1 to ${maxReadAllLimit}`);
  }
  if (options.keepTypes) return readAllKept(context, after, limit, options.keepTypes);
  const rows = await context.database.query<EventRow>({
    name: "rewind.read_all",
    text: readAllStatement,
    values: [after, limit],
  });
  if (rows.length === 0) await checkPositionExists(context, after);
  const events = await context.read(rows);
  return {
    events,
    lastPosition: events.length > 0 ? events[events.length - 1]!.position : after,
    scanned: rows.length,
  };
}

/** The feed filtered by event type in the database, still telling how far it scanned. */
async function readAllKept(
  context: StoreContext,
  after: number,
  limit: number,
  keepTypes: readonly string[],
): Promise<ReadAllResult> {
  if (!Array.isArray(keepTypes) || keepTypes.some((type) => typeof type !== "string")) {
    throw new InvalidEventStoreArgument("keepTypes", "must be an array of event types");
  }
  const rows = await context.database.query<EventRow & { last_position: number; scanned: number }>({
    name: "rewind.read_all_kept",
    text: readAllKeptStatement,
    values: [after, limit, keepTypes],
  });
  if (rows.length === 0) {
    await checkPositionExists(context, after);
    return { events: [], lastPosition: after, scanned: 0 };
  }
  const events = await context.read(rows.filter((row) => row.position !== null));
  return { events, lastPosition: rows[0]!.last_position, scanned: Number(rows[0]!.scanned) };
}

export async function headPosition({ database }: StoreContext): Promise<number> {
  const [row] = await database.query<{ position: number }>({
    name: "rewind.head_position",
    text: headPositionStatement,
  });
  return row?.position ?? 0;
}

export async function countAfter({ database }: StoreContext, position: number): Promise<number> {
  if (!Number.isSafeInteger(position) || position < 0)
    throw new InvalidEventStoreArgument("position", "must be a whole number >= 0");
  const [row] = await database.query<{ count: number }>({
    name: "rewind.count_after",
    text: countAfterStatement,
    values: [position],
  });
  return row?.count ?? 0;
}
