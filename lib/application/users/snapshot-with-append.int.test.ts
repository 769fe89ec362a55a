// A user command's append keeps the user's state after it as the fold's snapshot (decision 031): the
// next command folds that one row, and it is exactly what folding the whole stream gives.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { executeUserCommand, type UserCommandInput } from "@/lib/application/users/user-commands";
import { userFold } from "@/lib/application/users/user-events";
import { forgetUser } from "@/lib/application/users/forget-user";
import { closeDatabase, provideDatabase } from "@/lib/db";
import type { Database, Statement } from "@/lib/db/database";
import { userStreamId, type UserState } from "@/lib/domain/users";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const context = { actor: "test:snapshot-with-append", correlationId: "snapshot-with-append" };
const plainFold = { ...userFold, snapshots: undefined };

/** The database, with the number of rows each fold's read returned written down. */
function countingFoldRows(database: Database): { database: Database; foldRows: number[] } {
  const foldRows: number[] = [];
  const counted: Database = Object.create(database) as Database;
  counted.query = (async (statement: Statement | string, values?: unknown[]) => {
    const rows = await database.query(statement, values);
    if (typeof statement !== "string" && statement.name?.startsWith("rewind.snapshot_and_events"))
      foldRows.push(rows.length);
    return rows;
  }) as Database["query"];
  return { database: counted, foldRows };
}

describe.each(testBackends())("a user command keeps the user's state as a snapshot, on $name", (backend) => {
  let database: TestDatabase;
  let counted: ReturnType<typeof countingFoldRows>;
  beforeAll(async () => {
    database = await backend.open();
    counted = countingFoldRows(database);
    provideDatabase(counted.database);
  });
  afterAll(() => closeDatabase());

  const snapshotsOf = async (userId: string) =>
    database.query<{ version: number; state: UserState; max_recorded_at: Date }>(
      "SELECT version, state, max_recorded_at FROM snapshots WHERE stream_id = $1 ORDER BY version",
      [userStreamId(userId)],
    );

  /** A new user, renamed once: their latest snapshot is the rename's. */
  async function registeredAndRenamed(name: string, renamed: string) {
    const userId = randomUUID();
    const tag = userId.slice(0, 8);
    const email = `${name.toLowerCase()}.${tag}@example.com`;
    await executeUserCommand(
      { type: "RegisterUser", userId, name: `${name} ${tag}`, email, password: "correct horse battery" },
      context,
    );
    await executeUserCommand({ type: "RenameUser", userId, name: `${renamed} ${tag}` }, context);
    return { userId, tag };
  }

  it("after every kind of command, the snapshot at the new version is the fold of the whole stream", async () => {
    const userId = randomUUID();
    const tag = userId.slice(0, 8);
    let reactivatedAt = 0;
    // Between the reactivation and now (an active user then): earlier than the password's change.
    const backdated = () => new Date((reactivatedAt + Date.now()) / 2).toISOString();
    const commands: { command: UserCommandInput | (() => UserCommandInput); kept: boolean }[] = [
      {
        command: {
          type: "RegisterUser",
          userId,
          name: `Ada ${tag}`,
          email: `ada.${tag}@example.com`,
          password: "correct horse battery",
        },
        kept: true,
      },
      { command: { type: "RenameUser", userId, name: `Ada Lovelace ${tag}` }, kept: true },
      { command: { type: "ChangeEmail", userId, email: `countess.${tag}@example.com` }, kept: true },
      { command: { type: "DeactivateUser", userId, reason: "left the company", category: "other" }, kept: true },
      { command: { type: "ReactivateUser", userId }, kept: true },
      { command: { type: "ChangePassword", userId, password: "another long secret" }, kept: true },
      // Dated by the caller: where it falls among the others takes the whole stream, so none is kept…
      {
        command: () => ({ type: "RenameUser", userId, name: `Ada Byron ${tag}`, effectiveAt: backdated() }),
        kept: false,
      },
      // …and the next command starts from the events again, then keeps one.
      { command: { type: "RenameUser", userId, name: `Ada King ${tag}` }, kept: true },
    ];
    const { store } = await getServices();
    for (const [index, given] of commands.entries()) {
      const command = typeof given.command === "function" ? given.command() : given.command;
      const { user } = await executeUserCommand(command, context);
      if (command.type === "ReactivateUser") reactivatedAt = Date.parse(user.updatedAt) + 1;
      const version = index + 1;
      const folded = await store.aggregateStream(userStreamId(userId), plainFold);
      expect(folded.version).toBe(version);
      const latest = (await snapshotsOf(userId)).find((snapshot) => snapshot.version === version);
      if (!given.kept) {
        expect(latest, `no snapshot after ${command.type} dated by the caller`).toBeUndefined();
        continue;
      }
      expect(latest?.state, `the snapshot after ${command.type}`).toEqual(folded.state);
      const [{ max } = { max: new Date(0) }] = await database.query<{ max: Date }>(
        "SELECT max(recorded_at) AS max FROM events WHERE stream_id = $1",
        [userStreamId(userId)],
      );
      expect(latest?.max_recorded_at.getTime()).toBe(max.getTime());
    }
    // Of the others than the periodic ones (every REWIND_SNAPSHOT_EVERY versions), only the latest is left.
    const every = userFold.snapshots!.every;
    const periodic = commands.map((_, index) => index + 1).filter((version) => version % every === 0);
    expect((await snapshotsOf(userId)).map((snapshot) => snapshot.version)).toEqual([
      ...new Set([...periodic, commands.length]),
    ]);
  });

  it("the next command folds the one snapshot row, with its key, and no event", async () => {
    const { userId, tag } = await registeredAndRenamed("Grace", "Grace Hopper");
    counted.foldRows.length = 0;
    const { user } = await executeUserCommand({ type: "RenameUser", userId, name: `Rear Admiral ${tag}` }, context);
    expect(user.name).toBe(`Rear Admiral ${tag}`);
    // The key's row and the snapshot's.
    expect(counted.foldRows).toEqual([2]);
  });

  it("forgetting the user leaves no snapshot of theirs, from the erasure's event on", async () => {
    const { userId } = await registeredAndRenamed("Joan", "Joan Clarke");
    expect(await snapshotsOf(userId)).toHaveLength(1);
    // The erasure's own append deletes them, before (and whether or not) forget's clean-up runs.
    await executeUserCommand({ type: "ForgetUser", userId }, context);
    expect(await snapshotsOf(userId)).toEqual([]);
    await forgetUser(userId, context);
    expect(await snapshotsOf(userId)).toEqual([]);
  });
});
