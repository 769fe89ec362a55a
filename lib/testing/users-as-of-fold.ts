// The as-of list as it was computed before the temporal index (docs/decisions/017): every user
// stream folded up to the instant, then filtered, ordered and paged. Kept as the tests' oracle and
// the benchmark's baseline; the application reads the index.
import type { Database } from "../db";
import { evolve, initialUserState, userStreamType, type UserState } from "../domain/users";
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

function matches(user: UserView, query: Omit<UserListQuery, "at">): boolean {
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
  query: Omit<UserListQuery, "at">,
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
  const users = [...states.values()]
    .flatMap((state) => (state.status === "unregistered" ? [] : [viewOfState(state)]))
    .filter((user) => matches(user, query))
    .sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
  const start = cursor ? users.findIndex((user) => isBefore(user, cursor)) : 0;
  const items = start === -1 ? [] : users.slice(start, start + query.limit);
  const hasMore = start !== -1 && start + query.limit < users.length;
  return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!) : null, total: users.length };
}
