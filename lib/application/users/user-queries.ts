// Reading users: today's list and user from the users table; any past point by folding events.
import { evolve, initialUserState, userStateAt, userStreamId, userStreamType, type UserState } from "../../domain/users";
import type { Prisma, User as UserRow } from "../../db/generated/prisma/client";
import { toRecordedEvent, type EventRow, type RecordedEvent } from "../../eventstore";
import { isInstantInRange, latestInstant } from "../../validation/query-fields";
import { userIdPattern } from "../../validation/users";
import { NotFound } from "../errors";
import { getReadServices } from "../read-side";
import { decryptPersonalData } from "./personal-data";
import { toRecordedUserEvent, upcastRecordedEvent, userFold } from "./user-events";
import { redactEventData, viewOfState, type UserView } from "./user-view";

export interface UserListQuery {
  q?: string;
  status?: "active" | "deactivated";
  cursor?: string;
  limit: number;
  /** The list as it was at this instant, folded from the events. */
  at?: Date;
}

export interface UserList {
  items: UserView[];
  nextCursor: string | null;
  total: number;
}

// Newest users first; (createdAt, id) never changes for a user, so pages do not shift under edits.
interface CursorPosition {
  createdAt: string;
  id: string;
}

export function encodeCursor(user: Pick<UserView, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([user.createdAt, user.id])).toString("base64url");
}

/**
 * undefined when the cursor is not one this API made: it must decode to a position that encodes
 * back to the very same text, with an instant in range and a user id, so nothing forged reaches a query.
 */
export function decodeCursor(cursor: string): CursorPosition | undefined {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [createdAt, id] = decoded as unknown[];
    if (typeof createdAt !== "string" || typeof id !== "string" || !userIdPattern.test(id)) return undefined;
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !isInstantInRange(date) || date.toISOString() !== createdAt) return undefined;
    return encodeCursor({ createdAt, id }) === cursor ? { createdAt, id } : undefined;
  } catch {
    return undefined;
  }
}

// Prisma's `contains` passes LIKE wildcards through: a search for "%" must find a literal "%".
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

function viewOfRow(row: UserRow): UserView {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    status: row.status as UserView["status"],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listUsers(query: UserListQuery, cursor: CursorPosition | undefined): Promise<UserList> {
  if (query.at) return listUsersAt(query, query.at, cursor);
  const { prisma } = await getReadServices();
  const filters: Prisma.UserWhereInput[] = [];
  if (query.status) filters.push({ status: query.status });
  if (query.q) {
    filters.push({
      OR: [{ name: { contains: escapeLike(query.q), mode: "insensitive" } }, { email: { contains: escapeLike(query.q.toLowerCase()) } }],
    });
  }
  const where: Prisma.UserWhereInput = { AND: filters };
  const page: Prisma.UserWhereInput = cursor
    ? {
        AND: [
          where,
          { OR: [{ createdAt: { lt: new Date(cursor.createdAt) } }, { createdAt: new Date(cursor.createdAt), id: { lt: cursor.id } }] },
        ],
      }
    : where;
  const [rows, total] = await Promise.all([
    prisma.user.findMany({ where: page, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: query.limit + 1 }),
    prisma.user.count({ where }),
  ]);
  const items = rows.slice(0, query.limit).map(viewOfRow);
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!) : null, total };
}

function matches(user: UserView, query: UserListQuery): boolean {
  if (query.status && user.status !== query.status) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    if (!user.name.toLowerCase().includes(needle) && !user.email.includes(needle)) return false;
  }
  return true;
}

const isBefore = (user: UserView, cursor: CursorPosition) =>
  user.createdAt < cursor.createdAt || (user.createdAt === cursor.createdAt && user.id < cursor.id);

/**
 * The list as it stood at `at`: every user stream folded up to that instant, with the same
 * evolve as everywhere else, then filtered, ordered and paged like today's list.
 */
async function listUsersAt(query: UserListQuery, at: Date, cursor: CursorPosition | undefined): Promise<UserList> {
  const { database } = await getReadServices();
  const rows = await database.query<EventRow>({
    name: "users.as_of",
    text: `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
            WHERE stream_type = $1 AND recorded_at <= $2 ORDER BY stream_id, version`,
    values: [userStreamType, at],
  });
  // Read as the store reads: personal fields decrypted ("[erased]" for the forgotten), old schemas upcast.
  const events = (await decryptPersonalData(database, rows.map(toRecordedEvent))).map(upcastRecordedEvent);
  const states = new Map<string, UserState>();
  for (const event of events)
    states.set(event.streamId, evolve(states.get(event.streamId) ?? initialUserState, toRecordedUserEvent(event)));
  const users = [...states.values()]
    .flatMap((state) => (state.status === "unregistered" ? [] : [viewOfState(state)]))
    .filter((user) => matches(user, query))
    .sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
  const start = cursor ? users.findIndex((user) => isBefore(user, cursor)) : 0;
  const items = start === -1 ? [] : users.slice(start, start + query.limit);
  const hasMore = start !== -1 && start + query.limit < users.length;
  return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!) : null, total: users.length };
}

export async function getUser(userId: string): Promise<UserView> {
  const { prisma } = await getReadServices();
  const row = await prisma.user.findUnique({ where: { id: userId } });
  if (row) return viewOfRow(row);
  // A forgotten user has no row any more, but their (erased) history is still theirs to show.
  const { store } = await getReadServices();
  const { state } = await store.aggregateStream(userStreamId(userId), userFold);
  if (state.status !== "forgotten") throw new NotFound(`User ${userId} does not exist`);
  return viewOfState(state);
}

/**
 * A point in the user's past. `version`: what Rewind showed right after recording it. `knownAt`
 * alone: what Rewind showed at that instant. `effectiveAt`: how the user was at that instant in the
 * world, as known at `knownAt` (or now) — backdated changes included.
 */
export type UserPoint = { version: number } | { knownAt: Date } | { effectiveAt: Date; knownAt?: Date };

/** The user at a point of the past: the fold, stopped early (on both time axes). */
export async function getUserAt(userId: string, point: UserPoint): Promise<UserView> {
  const { store } = await getReadServices();
  const streamId = userStreamId(userId);
  let state: UserState;
  if ("effectiveAt" in point) {
    const events = await store.readStream(streamId, point.knownAt ? { until: point.knownAt } : {});
    const knownAt = (point.knownAt ?? latestInstant).toISOString();
    state = userStateAt(events.map(toRecordedUserEvent), { effectiveAt: point.effectiveAt.toISOString(), knownAt });
  } else {
    // Every event recorded by then took effect by then: the store's fold (with its snapshots) is that point.
    ({ state } = await store.aggregateStream(
      streamId,
      userFold,
      "version" in point ? { toVersion: point.version } : { until: point.knownAt },
    ));
  }
  if (state.status === "unregistered") throw new NotFound(`User ${userId} ${describeAbsence(point)}`);
  if ("version" in point && state.version !== point.version) {
    throw new NotFound(`User ${userId} has no version ${point.version}: it is at version ${state.version}`);
  }
  return viewOfState(state);
}

function describeAbsence(point: UserPoint): string {
  if ("version" in point) return `has no version ${point.version}`;
  if (!("effectiveAt" in point)) return `did not exist at ${point.knownAt.toISOString()}`;
  const known = point.knownAt ? `as known at ${point.knownAt.toISOString()}` : "as known now";
  return `did not exist at ${point.effectiveAt.toISOString()}, ${known}`;
}

export interface EventView {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

export function viewOfEvent(event: RecordedEvent): EventView {
  return {
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    data: redactEventData(event.data),
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  };
}

export async function getUserEvents(userId: string): Promise<EventView[]> {
  const { store } = await getReadServices();
  const events = await store.readStream(userStreamId(userId));
  if (events.length === 0) throw new NotFound(`User ${userId} does not exist`);
  return events.map(viewOfEvent);
}

export async function readEventFeed(after: number, limit: number): Promise<{ items: EventView[]; lastPosition: number }> {
  const { store } = await getReadServices();
  const page = await store.readAll({ after, limit });
  return { items: page.events.map(viewOfEvent), lastPosition: page.lastPosition };
}

export interface UserExport {
  exportedAt: string;
  user: UserView;
  /** Every event of the user's stream, personal fields in clear (or "[erased]"), password hashes redacted. */
  events: EventView[];
}

/** A subject access request: the user now and their whole history. */
export async function exportUser(userId: string): Promise<UserExport> {
  const [user, events] = await Promise.all([getUser(userId), getUserEvents(userId)]);
  return { exportedAt: new Date().toISOString(), user, events };
}
