// The as-of list from the temporal index against the fold of every stream, as tests compare them.
import { expect } from "vitest";
import type { Database } from "../db/database";
import { decodeCursor, listUsers, type UserList, type UserListQuery } from "../application/users/user-queries";
import { listUsersByFolding } from "./users-as-of-fold";

/** Every page of the list, following the cursors: the index's answer and the fold's must agree page by page. */
export async function expectSameList(
  database: Database,
  query: Omit<UserListQuery, "at" | "knownAt" | "cursor">,
  at: Date,
) {
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const position = cursor === undefined ? undefined : decodeCursor(cursor);
    const fromIndex: UserList = await listUsers({ ...query, knownAt: at }, position);
    const folded = await listUsersByFolding(database, query, at, position);
    expect(fromIndex, `${JSON.stringify(query)} at ${at.toISOString()}, page ${page}`).toEqual(folded);
    if (!fromIndex.nextCursor) return;
    cursor = fromIndex.nextCursor;
  }
}
