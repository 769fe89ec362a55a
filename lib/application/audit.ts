// The audit trail: what an actor (an admin or an API token) recorded in a period, newest first —
// read straight from the event log, where every event carries its actor, reason and correlation.
import { toRecordedEvent, type EventRow } from "../eventstore";
import { isInstantInRange } from "../validation/query-fields";
import { getReadServices } from "./read-side";
import { readTransformFor } from "./services";
import { viewOfEvent, type EventView } from "./users/user-queries";

export interface AuditQuery {
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Continue after this entry (the previous page's nextCursor). */
  after?: { recordedAt: Date; position: number };
}

export interface AuditPage {
  items: EventView[];
  nextCursor: string | null;
}

export const encodeAuditCursor = (event: { recordedAt: string; position: number }) =>
  Buffer.from(JSON.stringify([event.recordedAt, event.position])).toString("base64url");

/** undefined when the cursor is not one this API made (see decodeCursor for the users list). */
export function decodeAuditCursor(cursor: string): AuditQuery["after"] | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [recordedAt, position] = decoded as unknown[];
    if (typeof recordedAt !== "string" || !Number.isSafeInteger(position) || (position as number) < 1) return undefined;
    const at = new Date(recordedAt);
    if (Number.isNaN(at.getTime()) || !isInstantInRange(at) || at.toISOString() !== recordedAt) return undefined;
    const after = { recordedAt: at, position: position as number };
    return encodeAuditCursor({ recordedAt, position: after.position }) === cursor ? after : undefined;
  } catch {
    return undefined;
  }
}

export async function auditTrail(query: AuditQuery): Promise<AuditPage> {
  const { database } = await getReadServices();
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    values.push(value);
    conditions.push(condition.replace("?", `$${values.length}`));
  };
  if (query.actor !== undefined) add("metadata->>'actor' = ?", query.actor);
  if (query.from) add("recorded_at >= ?", query.from);
  if (query.to) add("recorded_at < ?", query.to);
  if (query.after) {
    values.push(query.after.recordedAt, query.after.position);
    conditions.push(`(recorded_at, position) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(query.limit + 1);
  const rows = await database.query<EventRow>(
    `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
      ${conditions.length ? `WHERE ${conditions.join(" AND ")}` : ""}
      ORDER BY recorded_at DESC, position DESC LIMIT $${values.length}`,
    values,
  );
  // Read as the store reads: names and emails decrypted ("[erased]" once forgotten), old schemas upcast.
  const events = await readTransformFor(database)(rows.slice(0, query.limit).map(toRecordedEvent));
  const items = events.map(viewOfEvent);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeAuditCursor(last) : null };
}
