// The as-of list as it was computed before the temporal index (docs/decisions/017): every user
// stream folded up to the instant, then filtered, ordered and paged; and on two time axes (025): the
// events recorded by the known instant that took effect by the effective one, folded in effective
// order. Kept as the tests' oracle and the benchmark's baseline; the application reads the index.
import type { Database } from "../db";
import { evolve, initialUserState, userStateAt, userStreamType, type UserState } from "../domain/users";
import { latestInstant } from "../validation/query-fields";
import type { RecordedUserEvent } from "../domain/users";
import { toRecordedEvent, type EventRow } from "../eventstore";
import { readTransformFor } from "../application/services";
import {
  encodeCursor,
  type CursorPosition,
  type UserList,
  type UserListQuery,
} from "../application/users/user-queries";
import { toRecordedUserEvent } from "../application/users/user-events";
import { viewOfState, type UserView } from "../application/users/user-view";

function matches(user: UserView, query: Omit<UserListQuery, "at" | "knownAt">): boolean {
  if (query.status && user.status !== query.status) return false;
  if (query.q) {
    const needle = query.q.toLowerCase();
    if (!user.name.toLowerCase().includes(needle) && !user.email.includes(needle)) return false;
  }
  return true;
}

const isBefore = (user: UserView, cursor: CursorPosition) =>
  user.createdAt < cursor.createdAt || (user.createdAt === cursor.createdAt && user.id < cursor.id);

export async function listUsersByFolding(
  database: Database,
  query: Omit<UserListQuery, "at" | "knownAt">,
  at: Date,
  cursor: CursorPosition | undefined,
): Promise<UserList> {
  const rows = await database.query<EventRow>({
    name: "users.as_of_fold",
    text: `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
            WHERE stream_type = $1 AND recorded_at <= $2 ORDER BY stream_id, version`,
    values: [userStreamType, at],
  });
  // Read as the store reads: personal fields decrypted ("[erased]" for the forgotten), old schemas upcast.
  const events = await readTransformFor(database)(rows.map(toRecordedEvent));
  const states = new Map<string, UserState>();
  for (const event of events)
    states.set(event.streamId, evolve(states.get(event.streamId) ?? initialUserState, toRecordedUserEvent(event)));
  return page([...states.values()], query, cursor);
}

function page(
  states: UserState[],
  query: Omit<UserListQuery, "at" | "knownAt">,
  cursor: CursorPosition | undefined,
): UserList {
  const users = states
    .flatMap((state) => (state.status === "unregistered" ? [] : [viewOfState(state)]))
    .filter((user) => matches(user, query))
    .sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
  const start = cursor ? users.findIndex((user) => isBefore(user, cursor)) : 0;
  const items = start === -1 ? [] : users.slice(start, start + query.limit);
  const hasMore = start !== -1 && start + query.limit < users.length;
  return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!) : null, total: users.length };
}

/**
 * The list at effective instant `at` (default: `knownAt`) as known at `knownAt` (default: now), by
 * brute force: each stream's events recorded by then (compared in SQL, to the microsecond, as the
 * index compares them), of which those effective by `at` (to the millisecond), in effective order.
 */
export async function listUsersByFoldingOnTwoAxes(
  database: Database,
  query: Omit<UserListQuery, "at" | "knownAt">,
  point: { at?: Date; knownAt?: Date },
  cursor: CursorPosition | undefined,
): Promise<UserList> {
  const knownAt = point.knownAt ?? latestInstant;
  const rows = await database.query<EventRow>(
    `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events
      WHERE stream_type = $1 AND recorded_at <= $2 ORDER BY stream_id, version`,
    [userStreamType, knownAt],
  );
  const events = await readTransformFor(database)(rows.map(toRecordedEvent));
  const streams = new Map<string, RecordedUserEvent[]>();
  for (const event of events)
    streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), toRecordedUserEvent(event)]);
  const effectiveAt = (point.at ?? knownAt).toISOString();
  const states = [...streams.values()].map((stream) =>
    userStateAt(stream, { effectiveAt, knownAt: latestInstant.toISOString() }),
  );
  return page(states, query, cursor);
}
