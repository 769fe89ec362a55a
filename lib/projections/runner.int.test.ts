import { catchUp } from "../testing/projections";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameChangesProjection } from "../application/users/name-changes-projection";
import { createPostgresDatabase } from "../db/database";
import { createEventNotifier, createEventStore, type EventNotifier, type EventStore } from "../eventstore";
import { nameChangesByBruteForce, nameChangesProjected } from "../testing/name-changes";
import { testBackends, type TestDatabase } from "../testing/databases";
import type { Projection } from "./projection";
import { readStatus } from "./checkpoints";
import { runBatch, runProjections } from "./runner";

describe.each(testBackends())("projection runner on $name", (backend) => {
  let database: TestDatabase;
  let store: EventStore;
  let notifier: EventNotifier;
  beforeAll(async () => {
    database = await backend.open();
    notifier = createEventNotifier(database);
    store = createEventStore(database, { onAppended: notifier.appended });
    await database.exec("CREATE TABLE slow_appends (at timestamptz)");
  });
  afterAll(async () => {
    await notifier?.close();
    await database?.close();
  });

  const bruteForce = () => nameChangesByBruteForce(database);
  const projected = () => nameChangesProjected(database);

  // Holds the append's statement (its transaction) open a little after it took its positions.
  const slowly = { text: "INSERT INTO slow_appends SELECT clock_timestamp() FROM appended, pg_sleep(0.015)" };

  async function renameMany(users: number, renames: number, slowEvery = 0) {
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        const streamId = `user-${randomUUID()}`;
        for (let version = 1; version <= renames; version++) {
          // Some appends hold their transaction open a little: commits then land out of position order.
          const slow = slowEvery > 0 && version % slowEvery === 0;
          await store.appendToStream(
            streamId,
            [
              {
                type: version === 1 ? "user.registered" : "user.renamed",
                data: { name: `U${u} v${version}`, previousName: `U${u} v${version - 1}` },
              },
            ],
            { expectedVersion: version - 1, inlineStatement: slow ? slowly : undefined },
          );
        }
      }),
    );
  }

  /**
   * Waits until the projection holds what a brute-force query holds (a runner that skipped an event
   * never gets there). The feed also waits for other test files' transactions on the same server,
   * so the head position alone cannot say when it is done.
   */
  async function caughtUp(name: string) {
    for (let tries = 0; tries < 600; tries++) {
      const status = await readStatus(database, name);
      if (status?.caughtUpAt && JSON.stringify(await projected()) === JSON.stringify(await bruteForce())) return;
      await new Promise((done) => setTimeout(done, 25));
    }
    throw new Error(`${name} never caught up`);
  }

  it("catches up under concurrent writers and out-of-order commits to exactly the brute-force answer", async () => {
    await renameMany(3, 4);
    const stop = new AbortController();
    const running = runProjections({ database, store, notifier }, [nameChangesProjection], stop.signal, 7);
    await renameMany(8, 12, 3);
    await caughtUp(nameChangesProjection.name);
    stop.abort();
    await running;
    expect(await projected()).toEqual(await bruteForce());
    expect((await projected()).renames.length).toBe(3 * 3 + 8 * 11);
  });

  it("a batch that fails half-way applies nothing; after a restart every event is applied exactly once", async () => {
    await renameMany(4, 6);
    let calls = 0;
    const crashing: Projection = {
      ...nameChangesProjection,
      async apply(tx, events, table) {
        await nameChangesProjection.apply(tx, events.slice(0, 1), table);
        if (++calls === 2) throw new Error("process died mid-batch");
        await nameChangesProjection.apply(tx, events.slice(1), table);
      },
    };
    await expect(async () => {
      while ((await runBatch(database, store, crashing, 5)) > 0);
    }).rejects.toThrow("process died mid-batch");
    const stalled = (await readStatus(database, crashing.name))!;

    // "Restart": the plain projection continues from the checkpoint the failed batch never moved.
    await catchUp(database, store, nameChangesProjection, 5);
    expect((await readStatus(database, nameChangesProjection.name))!.position).toBeGreaterThan(stalled.position);
    expect(await projected()).toEqual(await bruteForce());
  });

  it.skipIf(backend.name === "pglite")(
    "lets two runner processes share the work without applying anything twice",
    async () => {
      await renameMany(6, 8);
      const other = createPostgresDatabase(database.url!, { maxConnections: 4 });
      const otherNotifier = createEventNotifier(other);
      const otherStore = createEventStore(other, { onAppended: otherNotifier.appended });
      const stop = new AbortController();
      try {
        const runners = [
          runProjections({ database, store, notifier }, [nameChangesProjection], stop.signal, 3),
          runProjections(
            { database: other, store: otherStore, notifier: otherNotifier },
            [nameChangesProjection],
            stop.signal,
            3,
          ),
        ];
        await renameMany(6, 8, 2);
        await caughtUp(nameChangesProjection.name);
        stop.abort();
        await Promise.all(runners);
        expect(await projected()).toEqual(await bruteForce());
      } finally {
        await otherNotifier.close();
        await other.close();
      }
    },
  );

  it("rebuilds from the first event when its version is raised, and reports a failing projection without stopping the others", async () => {
    await catchUp(database, store, nameChangesProjection);
    await database.query("DELETE FROM name_changes WHERE version = 2");
    const raised = { ...nameChangesProjection, version: nameChangesProjection.version + 1 };
    const broken: Projection = {
      name: "always_fails",
      version: 1,
      eventTypes: ["user.renamed"],
      tables: [],
      apply: async () => {
        throw new Error("bad projection");
      },
    };
    const stop = new AbortController();
    const running = runProjections({ database, store, notifier }, [raised, broken], stop.signal, 50);
    await caughtUp(raised.name);
    for (let tries = 0; tries < 100 && !(await readStatus(database, broken.name))?.lastError; tries++)
      await new Promise((done) => setTimeout(done, 25));
    stop.abort();
    await running;
    expect(await projected()).toEqual(await bruteForce());
    expect((await readStatus(database, raised.name))!.version).toBe(raised.version);
    const failing = (await readStatus(database, broken.name))!;
    expect(failing.lastError).toBe("Error: bad projection");
    expect(failing.position).toBe(0);
  });

  /** A projection of renames that only counts its batches, from the head (only the test's events count), and its runner. */
  async function batchCounter(name: string) {
    const batches: number[] = [];
    const counting: Projection = {
      name: `${name}_${randomUUID().slice(0, 8)}`,
      version: 1,
      eventTypes: ["user.renamed"],
      tables: [],
      apply: async (_tx, events) => {
        batches.push(events.length);
      },
    };
    await database.query(`INSERT INTO projection_checkpoints (name, version, position) VALUES ($1, 1, $2)`, [
      counting.name,
      await store.headPosition(),
    ]);
    const stop = new AbortController();
    const running = runProjections({ database, store, notifier }, [counting], stop.signal);
    const applied = () => batches.reduce((sum, size) => sum + size, 0);
    return {
      batches,
      /** Waits until `events` are applied (5 s at most), stops the runner, and says how many were. */
      async stopAfter(events: number): Promise<number> {
        for (let tries = 0; tries < 200 && applied() < events; tries++)
          await new Promise((done) => setTimeout(done, 25));
        stop.abort();
        await running;
        return applied();
      },
    };
  }

  it("lets events appended one after another gather into a few batches, and applies every one", async () => {
    await catchUp(database, store, nameChangesProjection);
    const counter = await batchCounter("counting");
    const streamId = `user-${randomUUID()}`;
    await store.appendToStream(streamId, [{ type: "user.registered", data: { name: "G0" } }], { expectedVersion: 0 });
    const renames = 40;
    for (let version = 2; version <= renames + 1; version++) {
      await store.appendToStream(
        streamId,
        [{ type: "user.renamed", data: { name: `G${version}`, previousName: `G${version - 1}` } }],
        { expectedVersion: version - 1 },
      );
      await new Promise((done) => setTimeout(done, 4));
    }
    expect(await counter.stopAfter(renames)).toBe(renames);
    // A batch per append would be about 40; gathering for gatherMs makes it a handful.
    expect(counter.batches.length).toBeLessThanOrEqual(renames / 4);
  });

  it("lets appends gather longer while they keep coming: a busy log is read in a few batches a second", async () => {
    const counter = await batchCounter("busy");
    // About 1.5 s of appends of five renames each, 3 ms apart: read every gatherMs, that was about thirty batches.
    const streamId = `user-${randomUUID()}`;
    await store.appendToStream(streamId, [{ type: "user.registered", data: { name: "B0" } }], { expectedVersion: 0 });
    let version = 1;
    for (const started = Date.now(); Date.now() - started < 1500; version += 5) {
      await store.appendToStream(
        streamId,
        Array.from({ length: 5 }, (_, index) => ({ type: "user.renamed", data: { name: `B${version + index + 1}` } })),
        { expectedVersion: version },
      );
      await new Promise((done) => setTimeout(done, 3));
    }
    const renames = version - 1;
    expect(renames).toBeGreaterThan(100);
    expect(await counter.stopAfter(renames)).toBe(renames);
    expect(counter.batches.length).toBeLessThanOrEqual(12);
  });
});
