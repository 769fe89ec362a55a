import { catchUp } from "../testing/projections";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nameChangesProjection } from "../application/users/name-changes-projection";
import { createEventNotifier, createEventStore, type EventNotifier, type EventStore } from "../eventstore";
import { nameChangesByBruteForce, nameChangesProjected } from "../testing/name-changes";
import { testBackends, type TestDatabase } from "../testing/databases";
import { RebuildInProgress, rebuildProjection } from "./rebuild";
import { readStatus } from "./checkpoints";
import { runProjections } from "./runner";

/** Polls `condition` every few milliseconds until it holds (true) or `timeoutMs` passes (false). */
async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await condition()) return true;
    await new Promise((done) => setTimeout(done, 3));
  }
  return false;
}

/** Resolves when anything next sends a statement to `database` (outside a transaction already open). */
function firstStatementIssued(database: TestDatabase): Promise<void> {
  /* eslint-disable @typescript-eslint/unbound-method -- put back on `database` and called with `.apply(database, …)` */
  const originals = { query: database.query, exec: database.exec, transaction: database.transaction };
  /* eslint-enable @typescript-eslint/unbound-method */
  return new Promise((issued) => {
    for (const method of ["query", "exec", "transaction"] as const) {
      (database as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        Object.assign(database, originals);
        issued();
        return (originals[method] as (...args: unknown[]) => unknown).apply(database, args);
      };
    }
  });
}

describe.each(testBackends())("projection rebuild on $name", (backend) => {
  let database: TestDatabase;
  let store: EventStore;
  let notifier: EventNotifier;
  beforeAll(async () => {
    database = await backend.open();
    notifier = createEventNotifier(database);
    store = createEventStore(database, { onAppended: notifier.appended });
  });
  afterAll(async () => {
    await notifier?.close();
    await database?.close();
  });

  const bruteForce = () => nameChangesByBruteForce(database);
  const projected = () => nameChangesProjected(database);
  const rowCount = async () =>
    (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM name_changes"))[0]!.n;

  async function renames(users: number, each: number) {
    for (let u = 0; u < users; u++) {
      const streamId = `user-${randomUUID()}`;
      await store.appendToStream(
        streamId,
        Array.from({ length: each }, (_, i) => ({
          type: i === 0 ? "user.registered" : "user.renamed",
          data: { name: `n${i}`, previousName: `n${i - 1}` },
        })),
        { expectedVersion: "no_stream" },
      );
    }
  }

  it("swaps in the rebuilt tables at once: concurrent readers only ever see the whole projection", async () => {
    await renames(30, 6);
    await catchUp(database, store, nameChangesProjection);
    const complete = await rowCount();
    expect(complete).toBe(30 * 5);

    const seen = new Set<number>();
    let rebuilding = true;
    const readers = Promise.all(
      Array.from({ length: 3 }, async () => {
        while (rebuilding) seen.add(await rowCount());
      }),
    );
    const progress: number[] = [];
    const result = await rebuildProjection({ database, store }, nameChangesProjection, {
      batchSize: 7,
      onProgress: (applied) => progress.push(applied),
    });
    rebuilding = false;
    await readers;

    expect([...seen]).toEqual([complete]);
    expect(await projected()).toEqual(await bruteForce());
    expect(progress.length).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(result.position).toBe((await readStatus(database, nameChangesProjection.name))!.position);
    // The rebuilt table carries the live names of its indexes and constraints, as schema.prisma has them.
    const indexes = await database.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'name_changes' ORDER BY indexname",
    );
    expect(indexes.map((row) => row.indexname)).toEqual([
      "name_changes_effective_at_idx",
      "name_changes_pkey",
      "name_changes_renamed_at_idx",
    ]);
    const status = (await readStatus(database, nameChangesProjection.name))!;
    expect(status.lastError).toBeNull();
    const [claim] = await database.query(
      "SELECT rebuild_started_at, rebuild_applied, rebuild_total FROM projection_checkpoints WHERE name = 'name_changes'",
    );
    expect(claim).toEqual({ rebuild_started_at: null, rebuild_applied: null, rebuild_total: null });
  });

  it("refuses a second rebuild of the same projection while one is running", async () => {
    let second: Promise<unknown> | undefined;
    await rebuildProjection({ database, store }, nameChangesProjection, {
      batchSize: 5,
      onProgress: () => {
        second ??= rebuildProjection({ database, store }, nameChangesProjection).then(
          () => "it ran",
          (error: unknown) => error,
        );
      },
    });
    expect(await second).toBeInstanceOf(RebuildInProgress);
  });

  it("rebuilds while writers append and the runner runs, and ends equal to the brute-force answer", async () => {
    const stop = new AbortController();
    const running = runProjections({ database, store, notifier }, [nameChangesProjection], stop.signal, 10);
    const writing = renames(20, 5);
    await rebuildProjection({ database, store }, nameChangesProjection, { batchSize: 20 });
    await writing;
    // Until it holds what the log holds (the feed may wait for other test files' transactions).
    for (let tries = 0; tries < 600; tries++) {
      if (JSON.stringify(await projected()) === JSON.stringify(await bruteForce())) break;
      await new Promise((done) => setTimeout(done, 25));
    }
    stop.abort();
    await running;
    expect(await projected()).toEqual(await bruteForce());
  });

  it("does not deadlock with a reader that holds one of the tables and then reads another (it waits its turn)", async () => {
    await renames(5, 3);
    await catchUp(database, store, nameChangesProjection);
    if (database.backend === "postgres") {
      // A report mid-transaction: it has read the last table and will read the first next.
      const reader = await database.pool.connect();
      try {
        const [{ pid: readerPid }] = (await reader.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows as [
          { pid: number },
        ];
        await reader.query("BEGIN");
        await reader.query("SELECT count(*) FROM name_change_last_days");
        const rebuilding = rebuildProjection({ database, store }, nameChangesProjection);
        // The swap has taken the first table and queues for the one the reader holds. Each attempt
        // of the swap waits 200 ms at most: catch one that has only just begun, so that the reader
        // asks for the first table while the swap still holds it.
        expect(
          await until(
            async () =>
              (
                await database.query(
                  `SELECT 1 FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock'
                      AND relation = 'name_change_last_days'::regclass AND clock_timestamp() - waitstart < interval '40 milliseconds'`,
                )
              ).length > 0,
          ),
          "the swap queued for the table the reader holds",
        ).toBe(true);
        let read = false;
        const reading = reader.query("SELECT count(*) FROM name_changes").finally(() => (read = true));
        // Now each waits for the other: the swap must be the one to give way.
        const readerWaited = await until(
          async () =>
            read ||
            (await database.query("SELECT 1 FROM pg_locks WHERE pid = $1 AND NOT granted", [readerPid])).length > 0,
        );
        const waitedBeforeReading = readerWaited && !read;
        await reading;
        await reader.query("COMMIT");
        expect(waitedBeforeReading, "the reader waited for the swap").toBe(true);
        await expect(rebuilding).resolves.toMatchObject({ applied: expect.any(Number) });
      } finally {
        reader.release();
      }
    } else {
      // PGlite runs one transaction at a time: the rebuild's first statement waits for the reader's
      // whole transaction, which reads both tables undisturbed.
      let rebuilding: Promise<unknown> | undefined;
      let finished = false;
      await database.transaction(async (tx) => {
        await tx.query("SELECT count(*) FROM name_change_last_days");
        const issued = firstStatementIssued(database);
        rebuilding = rebuildProjection({ database, store }, nameChangesProjection).finally(() => (finished = true));
        await issued;
        await tx.query("SELECT count(*) FROM name_changes");
        expect(finished, "the rebuild waited for the reader's transaction").toBe(false);
      });
      await expect(rebuilding).resolves.toMatchObject({ applied: expect.any(Number) });
    }
    expect(await projected()).toEqual(await bruteForce());
  });
});
