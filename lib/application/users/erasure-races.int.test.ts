// Forgetting a user must win every race with the writers of their decrypted data: a projection
// batch, a rebuild, a snapshot, a stored idempotent reply. Each writer is stopped at the worst point
// (data decrypted, not yet written; or written, not yet committed) by a gate in what the test hands
// it, forget runs, then the writer goes on: afterwards no table may hold the user's names.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runIdempotently } from "@/lib/application/idempotency";
import { getServices, personalDataOptions } from "@/lib/application/services";
import { forgetUser } from "@/lib/application/users/forget-user";
import { nameChangesProjection } from "@/lib/application/users/name-changes-projection";
import { newUserKey, storeUserKey, userKey } from "@/lib/application/users/personal-data";
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { snapshotAfter, userFold } from "@/lib/application/users/user-events";
import type { UserEvent } from "@/lib/domain/users";
import { createEventStore, WrongExpectedVersion, type EventStore } from "@/lib/eventstore";
import type { Projection } from "@/lib/projections/projection";
import { rebuildProjection } from "@/lib/projections/rebuild";
import { runBatch } from "@/lib/projections/runner";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { provideTestDatabase } from "@/lib/testing/provided-database";
import { feedShowsEverything } from "@/lib/testing/projections";

/** A point a writer reaches and waits at until the test opens it. */
function gate() {
  let reach!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { reached, open, pass: () => (reach(), opened) };
}

const context = { actor: "test:erasure-races", correlationId: "erasure-races" };

describe.each(testBackends())("forgetting a user against every writer of their decrypted data, on $name", (backend) => {
  const database = provideTestDatabase(backend);

  /** A user renamed once: their old and new names are in a user.renamed event. */
  async function renamedUser() {
    const tag = randomUUID().slice(0, 8);
    const names = [`Quentin Before${tag}`, `Quentin After${tag}`];
    const email = `quentin.${tag}@example.com`;
    const user = (await api.post("/api/users", newUserInput({ name: names[0], email }))).body as { id: string };
    expect((await api.post(`/api/users/${user.id}/rename`, { name: names[1] })).status).toBe(200);
    await feedShowsEverything(database());
    return { id: user.id, secrets: [...names, email] };
  }

  /**
   * The user's snapshots removed: the rename kept one with its append (decision 031), from which a
   * fold has nothing left to fold or keep; the tests of a fold's own snapshots need it to fold events.
   */
  async function withoutSnapshots<User extends { id: string }>(user: User): Promise<User> {
    await database().query("DELETE FROM snapshots WHERE stream_id = $1", [`user-${user.id}`]);
    return user;
  }

  /** The tables (all of them, rebuild copies included) that still hold any of these strings. */
  async function tablesHolding(secrets: string[]): Promise<string[]> {
    const tables = await database().query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
    );
    const holding: string[] = [];
    for (const { tablename } of tables) {
      const rows = await database().query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      const text = rows.map((row) => row.row).join("\n");
      if (secrets.some((secret) => text.includes(secret))) holding.push(tablename);
    }
    return holding;
  }

  /** The store, but each read waits at `at` once `when` says so (after reading, before handing the events over). */
  function storeStoppingAt(
    store: EventStore,
    at: ReturnType<typeof gate>,
    when: (call: number) => boolean | Promise<boolean>,
  ): EventStore {
    let calls = 0;
    return {
      ...store,
      async readAll(options) {
        const call = ++calls;
        const page = await store.readAll(options);
        if (await when(call)) await at.pass();
        return page;
      },
    };
  }

  /** Resolves once this backend shows a lock wait on user_keys, or once `forgetting` ends without one. */
  async function forgetWaitsOrEnds(forgetting: Promise<unknown>): Promise<"waiting" | "ended"> {
    let ended = false;
    void forgetting.then(
      () => (ended = true),
      () => (ended = true),
    );
    // PGlite runs one transaction at a time: forget cannot even start while the writer's is open.
    if (database().backend === "pglite") return "waiting";
    for (;;) {
      if (ended) return "ended";
      const [row] = await database().query<{ waiting: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                         WHERE NOT l.granted AND a.datname = current_database() AND a.query ILIKE '%user_keys%') AS waiting`,
      );
      if (row!.waiting) return "waiting";
      await new Promise((done) => setImmediate(done));
    }
  }

  it("a projection batch read before forget and written after writes [erased]", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const readButNotWritten = gate();
    const batch = runBatch(
      database(),
      storeStoppingAt(store, readButNotWritten, () => true),
      nameChangesProjection,
      10_000,
    );
    await readButNotWritten.reached;
    await forgetUser(user.id, context);
    readButNotWritten.open();
    await batch;

    const rows = await database().query<{ name: string; previous_name: string }>(
      "SELECT name, previous_name FROM name_changes WHERE user_id = $1",
      [user.id],
    );
    expect(rows).toEqual([{ name: "[erased]", previous_name: "[erased]" }]);
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("a command that read the user before forget does not give them a new key that would let such a batch write", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const readButNotWritten = gate();
    const batch = runBatch(
      database(),
      storeStoppingAt(store, readButNotWritten, () => true),
      nameChangesProjection,
      10_000,
    );
    await readButNotWritten.reached;
    const streamId = `user-${user.id}`;
    const [before] = await database().query<{ version: number }>(
      "SELECT max(version)::int AS version FROM events WHERE stream_id = $1",
      [streamId],
    );
    await forgetUser(user.id, context);
    // What a rename that loaded the user before forget does next: it finds no key, makes one and
    // stores it with its append — which forget's event refuses, so no key comes back.
    expect(await userKey(database(), user.id)).toBeUndefined();
    const staleRename = store.appendToStream(streamId, [{ type: "user.renamed", data: { from: "x", to: "y" } }], {
      expectedVersion: before!.version,
      inlineStatement: storeUserKey(user.id, newUserKey()),
    });
    await expect(staleRename).rejects.toBeInstanceOf(WrongExpectedVersion);
    readButNotWritten.open();
    await batch;

    expect(await tablesHolding(user.secrets)).toEqual([]);
    expect(await userKey(database(), user.id)).toBeUndefined();
  });

  it("a command that read the user before forget keeps no snapshot of them with its append", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const streamId = `user-${user.id}`;
    // What a rename loaded before forget: the user's names, in clear, and the version it decides on.
    const { state, version } = await store.aggregateStream(streamId, userFold);
    const events: UserEvent[] = [
      { type: "user.renamed", data: { name: `${user.secrets[1]} Jr`, previousName: user.secrets[1]! } },
    ];
    const inline = snapshotAfter(user.id, state, version, events);
    expect(inline.map((statement) => statement.name)).toEqual(["keep2", "drop"]);
    await forgetUser(user.id, context);
    const staleRename = store.appendToStream(streamId, events, { expectedVersion: version, inlineStatement: inline });
    await expect(staleRename).rejects.toBeInstanceOf(WrongExpectedVersion);

    expect(await database().query("SELECT version FROM snapshots WHERE stream_id = $1", [streamId])).toEqual([]);
    expect(await tablesHolding([...user.secrets, `${user.secrets[1]} Jr`])).toEqual([]);
  });

  it("forget waits for a projection batch that is writing the user, then erases what it wrote", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const writtenNotCommitted = gate();
    const stopping: Projection = {
      ...nameChangesProjection,
      async apply(tx, events, table) {
        await nameChangesProjection.apply(tx, events, table);
        await writtenNotCommitted.pass();
      },
    };
    const batch = runBatch(database(), store, stopping, 10_000);
    await writtenNotCommitted.reached;
    const forgetting = forgetUser(user.id, context);
    // On PostgreSQL forget must be seen waiting for the batch's lock on the key (without that lock
    // it would end first, and the batch would then commit the names after it).
    const forgetWas = await forgetWaitsOrEnds(forgetting);
    writtenNotCommitted.open();
    await Promise.all([batch, forgetting]);
    expect(forgetWas).toBe("waiting");

    const rows = await database().query("SELECT name, previous_name FROM name_changes WHERE user_id = $1", [user.id]);
    expect(rows).toEqual([{ name: "[erased]", previous_name: "[erased]" }]);
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("a rebuild batch read before forget and written after writes [erased] into the copies it swaps in", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const readButNotWritten = gate();
    const rebuilding = rebuildProjection(
      { database: database(), store: storeStoppingAt(store, readButNotWritten, (call) => call === 1) },
      nameChangesProjection,
      { batchSize: 10_000 },
    );
    await readButNotWritten.reached;
    await forgetUser(user.id, context);
    readButNotWritten.open();
    await rebuilding;

    const rows = await database().query("SELECT name, previous_name FROM name_changes WHERE user_id = $1", [user.id]);
    expect(rows).toEqual([{ name: "[erased]", previous_name: "[erased]" }]);
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("forget during a rebuild erases the names already written into its copies, before they are swapped in", async () => {
    const user = await renamedUser();
    const { store } = await getServices();
    const copiesWritten = gate();
    let firstBatchCommitted!: () => void;
    const committed = new Promise<void>((resolve) => (firstBatchCommitted = resolve));
    // The second read (the end of the log) is handed over only after the first batch is committed
    // to the copies: the rebuild stops there with the names in its copies, no transaction open.
    const rebuilding = rebuildProjection(
      {
        database: database(),
        store: storeStoppingAt(store, copiesWritten, async (call) => call === 2 && (await committed, true)),
      },
      nameChangesProjection,
      { batchSize: 10_000, onProgress: () => firstBatchCommitted() },
    );
    await copiesWritten.reached;
    expect(await tablesHolding(user.secrets)).toContain("name_changes__rebuild");
    await forgetUser(user.id, context);
    expect(await tablesHolding(user.secrets)).toEqual([]);
    copiesWritten.open();
    await rebuilding;

    const rows = await database().query("SELECT name, previous_name FROM name_changes WHERE user_id = $1", [user.id]);
    expect(rows).toEqual([{ name: "[erased]", previous_name: "[erased]" }]);
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("a snapshot folded before forget and kept after is not kept", async () => {
    const user = await withoutSnapshots(await renamedUser());
    const options = personalDataOptions(database());
    const decryptedNotFolded = gate();
    const store = createEventStore(database(), {
      ...options,
      async transformRead(events) {
        const decrypted = await options.transformRead!(events);
        await decryptedNotFolded.pass();
        return decrypted;
      },
    });
    const everyVersion = { ...userFold, snapshots: { ...userFold.snapshots!, every: 1 } };
    const folding = store.aggregateStream(`user-${user.id}`, everyVersion);
    await decryptedNotFolded.reached;
    await forgetUser(user.id, context);
    decryptedNotFolded.open();
    const { state } = await folding;
    // The reader itself had the names (it read before forget); nothing may keep them.
    expect(state).toMatchObject({ name: user.secrets[1] });

    expect(await database().query("SELECT version FROM snapshots WHERE stream_id = $1", [`user-${user.id}`])).toEqual(
      [],
    );
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("forget waits for a snapshot being kept of the user, then deletes it", async () => {
    const user = await withoutSnapshots(await renamedUser());
    const options = personalDataOptions(database());
    const keptNotCommitted = gate();
    const store = createEventStore(database(), {
      ...options,
      async mayKeepSnapshots(tx, streamId) {
        const may = await options.mayKeepSnapshots!(tx, streamId);
        await keptNotCommitted.pass();
        return may;
      },
    });
    const folding = store.aggregateStream(`user-${user.id}`, {
      ...userFold,
      snapshots: { ...userFold.snapshots!, every: 1 },
    });
    await keptNotCommitted.reached;
    const forgetting = forgetUser(user.id, context);
    const forgetWas = await forgetWaitsOrEnds(forgetting);
    keptNotCommitted.open();
    await Promise.all([folding, forgetting]);
    expect(forgetWas).toBe("waiting");

    expect(await database().query("SELECT version FROM snapshots WHERE stream_id = $1", [`user-${user.id}`])).toEqual(
      [],
    );
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("keeps snapshots of users who are not forgotten", async () => {
    const user = await withoutSnapshots(await renamedUser());
    const store = createEventStore(database(), personalDataOptions(database()));
    await store.aggregateStream(`user-${user.id}`, { ...userFold, snapshots: { ...userFold.snapshots!, every: 1 } });
    const kept = await database().query<{ version: number }>(
      "SELECT version FROM snapshots WHERE stream_id = $1 ORDER BY version",
      [`user-${user.id}`],
    );
    expect(kept.map((row) => row.version)).toEqual([1, 2]);
  });

  it("an idempotent reply produced before forget and stored after is not stored", async () => {
    const user = await renamedUser();
    const producedNotStored = gate();
    // The key does not name the user (as for a registration): only the reply's body does.
    const key = `token:test POST /api/users ${randomUUID()}`;
    const replying = runIdempotently(key, "fingerprint", async (commandId) => {
      const { user: view } = await executeUserCommand(
        { type: "RenameUser", userId: user.id, name: `${user.secrets[1]} Jr` },
        { ...context, commandId },
      );
      await producedNotStored.pass();
      return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(view) };
    });
    await producedNotStored.reached;
    await forgetUser(user.id, context);
    producedNotStored.open();
    const { response } = await replying;
    expect(response.body).toContain(user.secrets[1]);

    expect(await database().query("SELECT key FROM idempotent_requests WHERE key = $1", [key])).toEqual([]);
    expect(await tablesHolding(user.secrets)).toEqual([]);
  });

  it("stores idempotent replies about users who are not forgotten", async () => {
    const user = await renamedUser();
    const key = `token:test POST /api/users ${randomUUID()}`;
    await runIdempotently(key, "fingerprint", async () => ({
      status: 200,
      headers: {},
      body: JSON.stringify({ id: user.id }),
    }));
    const [stored] = await database().query<{ status: number }>(
      "SELECT status FROM idempotent_requests WHERE key = $1",
      [key],
    );
    expect(stored).toEqual({ status: 200 });
  });
});
