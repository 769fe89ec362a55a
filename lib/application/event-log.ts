// The event log as a list to browse: newest first (by when each event was recorded, then by
// position), filtered by type, actor, stream and period, paged by keyset. Events read exactly as the
// feed reads them: decrypted ("[erased]" once forgotten), upcast, password hashes redacted.
import { toRecordedEvent, UnknownPosition, type EventRow } from "../eventstore";
import { isInstantInRange } from "../validation/query-fields";
import { getReadServices } from "./read-side";
import { readTransformFor } from "./services";
import { viewOfEvent, type EventView } from "./users/user-queries";

/**
 * An event's place in the order: when it was recorded, to the microsecond as PostgreSQL keeps it
 * (a JavaScript Date would cut it to the millisecond and skip events recorded within one), and its
 * position.
 */
export interface LogKey {
  recordedAt: string;
  position: number;
}

export interface EventLogQuery {
  type?: string;
  actor?: string;
  stream?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Continue after this event (the previous page's nextCursor). */
  after?: LogKey;
  /** Start at the event at this position (it comes first when it matches the filters). */
  position?: number;
}

export interface EventLogPage {
  items: EventView[];
  nextCursor: string | null;
}

export const encodeLogCursor = (key: LogKey) =>
  Buffer.from(JSON.stringify([key.recordedAt, key.position])).toString("base64url");

const microsecondInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** undefined when the cursor is not one this API made (see decodeCursor for the users list). */
export function decodeLogCursor(cursor: string): LogKey | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [recordedAt, position] = decoded as unknown[];
    if (typeof recordedAt !== "string" || !microsecondInstant.test(recordedAt)) return undefined;
    if (!Number.isSafeInteger(position) || (position as number) < 1) return undefined;
    const at = new Date(recordedAt);
    if (
      Number.isNaN(at.getTime()) ||
      !isInstantInRange(at) ||
      at.toISOString().slice(0, 23) !== recordedAt.slice(0, 23)
    )
      return undefined;
    const key = { recordedAt, position: position as number };
    return encodeLogCursor(key) === cursor ? key : undefined;
  } catch {
    return undefined;
  }
}

const recordedKey = `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A page of the log, and the key to continue after (null on the last page). */
export async function readEventLogPage(query: EventLogQuery): Promise<{ items: EventView[]; next: LogKey | null }> {
  const { database } = await getReadServices();
  const conditions: string[] = [];
  const values: unknown[] = [];
  const parameter = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.type !== undefined) conditions.push(`type = ${parameter(query.type)}`);
  if (query.actor !== undefined) conditions.push(`metadata->>'actor' = ${parameter(query.actor)}`);
  if (query.stream !== undefined) conditions.push(`stream_id = ${parameter(query.stream)}`);
  if (query.from) conditions.push(`recorded_at >= ${parameter(query.from)}`);
  if (query.to) conditions.push(`recorded_at < ${parameter(query.to)}`);
  if (query.after) {
    conditions.push(
      `(recorded_at, position) < (${parameter(query.after.recordedAt)}::timestamptz, ${parameter(query.after.position)})`,
    );
  }
  if (query.position !== undefined) {
    const [start] = await database.query<{ recorded_key: string }>(
      `SELECT ${recordedKey} AS recorded_key FROM events WHERE position = $1 LIMIT 1`,
      [query.position],
    );
    if (!start) throw new UnknownPosition(query.position);
    conditions.push(
      `(recorded_at, position) <= (${parameter(start.recorded_key)}::timestamptz, ${parameter(query.position)})`,
    );
  }
  const rows = await database.query<EventRow & { recorded_key: string }>(
    `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at, ${recordedKey} AS recorded_key FROM events
      ${conditions.length ? `WHERE ${conditions.join(" AND ")}` : ""}
      ORDER BY recorded_at DESC, position DESC LIMIT ${parameter(query.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const events = await readTransformFor(database)(page.map(toRecordedEvent));
  return {
    items: events.map(viewOfEvent),
    next: rows.length > query.limit && last ? { recordedAt: last.recorded_key, position: last.position } : null,
  };
}

export async function browseEventLog(query: EventLogQuery): Promise<EventLogPage> {
  const { items, next } = await readEventLogPage(query);
  return { items, nextCursor: next && encodeLogCursor(next) };
}
