// Reading users: today's list and user from the users table; any past point by folding events.
import { userStreamId, type UserState } from "../../domain/users";
import type { Prisma, User as UserRow } from "../../db/generated/prisma/client";
import type { RecordedEvent } from "../../eventstore";
import { isInstantInRange, latestInstant } from "../../validation/query-fields";
import { userIdPattern } from "../../validation/users";
import { NotFound } from "../errors";
import { getReadServices } from "../read-side";
import { userEffectiveAt, userFold } from "./user-events";
import { redactEventData, viewOfState, type UserView } from "./user-view";
import { countUsersAt } from "./user-version-counts";
import { microsText } from "./user-versions";

export interface UserListQuery {
  q?: string;
  status?: "active" | "deactivated";
  cursor?: string;
  limit: number;
  /** The list as it was at this instant in the world (effective time), as known at `knownAt` or now. */
  at?: Date;
  /** As Rewind knew it at this instant; alone, the list Rewind showed then (effective at the same instant). */
  knownAt?: Date;
}

export interface UserList {
  items: UserView[];
  nextCursor: string | null;
  total: number;
}

// Newest users first; (createdAt, id) never changes for a user, so pages do not shift under edits.
export interface CursorPosition {
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
  if (query.at || query.knownAt) return listUsersAt(query, cursor);
  const { prisma } = await getReadServices();
  const filters: Prisma.UserWhereInput[] = [];
  if (query.status) filters.push({ status: query.status });
  if (query.q) {
    filters.push({
      OR: [
        { name: { contains: escapeLike(query.q), mode: "insensitive" } },
        { email: { contains: escapeLike(query.q.toLowerCase()) } },
      ],
    });
  }
  const where: Prisma.UserWhereInput = { AND: filters };
  const page: Prisma.UserWhereInput = cursor
    ? {
        AND: [
          where,
          {
            OR: [
              { createdAt: { lt: new Date(cursor.createdAt) } },
              { createdAt: new Date(cursor.createdAt), id: { lt: cursor.id } },
            ],
          },
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

// A row holds at the point ($1 known, $2 effective) when both its intervals contain it.
const holdsAt =
  "recorded_from <= $1::timestamptz AND (recorded_to IS NULL OR recorded_to > $1::timestamptz) AND effective_from <= $2::timestamptz AND (effective_to IS NULL OR effective_to > $2::timestamptz)";

/**
 * The point of the index a query asks about, as [known, effective] instants to the microsecond.
 * Nothing known at K took effect after K, so effective T as known at K is effective min(T, K): the
 * index holds no row beyond that. A millisecond instant T takes in every change effective within its
 * millisecond, as the fold compares them (an event without effectiveAt lies at its recorded_at).
 */
function indexPoint(query: UserListQuery): [string, string] {
  const known = (query.knownAt ?? latestInstant).getTime() * 1000;
  const effective = query.at ? Math.min(query.at.getTime() * 1000 + 999, known) : known;
  return [microsText(known), microsText(effective)];
}

/**
 * The list as it stood at a point of both time axes, from the temporal index: each user's row that
 * holds then, filtered, ordered and paged like today's list. The same answer as folding every
 * stream on both axes (docs/decisions/017, 025), without reading the log.
 */
async function listUsersAt(query: UserListQuery, cursor: CursorPosition | undefined): Promise<UserList> {
  const { database } = await getReadServices();
  const point = indexPoint(query);
  const values: unknown[] = [...point];
  const parameter = (value: unknown) => `$${values.push(value)}`;
  // A user registered (to the millisecond) no later than the effective instant: the bound that makes
  // this a range of the index, newest registered first.
  const filters = ["created_at <= $2::timestamptz", holdsAt];
  if (query.status) filters.push(`status = ${parameter(query.status)}`);
  if (query.q) {
    // Lower-cased as the fold did it (JavaScript's toLowerCase), and matched as a plain substring: a
    // LIKE with its wildcards escaped, which the trigram indexes serve (docs/decisions/027).
    const pattern = parameter(`%${escapeLike(query.q.toLowerCase())}%`);
    filters.push(`(name_lower LIKE ${pattern} OR email LIKE ${pattern})`);
  }
  const where = filters.join(" AND ");
  const countValues = [...values];
  const page = cursor
    ? ` AND (created_at, user_id) < (${parameter(cursor.createdAt)}::timestamptz, ${parameter(cursor.id)}::uuid)`
    : "";
  const [rows, [{ total } = { total: 0 }]] = await Promise.all([
    database.query<{
      id: string;
      name: string;
      email: string;
      status: UserView["status"];
      version: number;
      created_at: Date;
      updated_at: Date;
    }>(
      `SELECT user_id::text AS id, name, email, status, version, created_at, updated_at
         FROM user_versions WHERE ${where}${page}
        ORDER BY created_at DESC, user_id DESC LIMIT ${parameter(query.limit + 1)}`,
      values,
    ),
    database.query<{ total: number }>(
      query.q
        ? { text: `SELECT count(*)::int AS total FROM user_versions WHERE ${where}`, values: countValues }
        : countUsersAt(point, query.status),
    ),
  ]);
  const items = rows.slice(0, query.limit).map(({ created_at, updated_at, ...row }) => ({
    ...row,
    createdAt: created_at.toISOString(),
    updatedAt: updated_at.toISOString(),
  }));
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]!) : null, total };
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
    state = await userEffectiveAt(store, streamId, point.effectiveAt.toISOString(), point.knownAt);
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

export async function readEventFeed(
  after: number,
  limit: number,
): Promise<{ items: EventView[]; lastPosition: number }> {
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
