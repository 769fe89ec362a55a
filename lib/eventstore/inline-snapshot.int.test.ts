// A snapshot kept by the append itself: the fold's state after the new events, its recording instant
// filled in by the statement; folding from it gives exactly what folding from the start gives.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../testing/databases";
import { createEventStore, inlineSnapshotStatements, WrongExpectedVersion, type EventStore } from ".";
import type { Fold, RecordedEvent } from "./types";

type Tally = { total: number; lastAt: string | null; versions: number[] };
const evolve = (state: Tally, event: Pick<RecordedEvent, "data" | "version"> & { recordedAt: string }): Tally => ({
  total: state.total + (event.data.n as number),
  lastAt: state.lastAt !== null && state.lastAt > event.recordedAt ? state.lastAt : event.recordedAt,
  versions: [...state.versions, event.version],
});
const plain: Fold<Tally> = {
  initialState: { total: 0, lastAt: null, versions: [] },
  evolve: (state, event) => evolve(state, { ...event, recordedAt: event.recordedAt.toISOString() }),
};
const snapshots = { name: "tally", version: 1, every: 3 };
const withSnapshots: Fold<Tally> = { ...plain, snapshots };
const placeholder = "9999-12-31T23:59:59.999Z";

describe.each(testBackends())("snapshots kept by the append on $name", (backend) => {
  let database: TestDatabase;
  let store: EventStore;
  let streams = 0;
  beforeAll(async () => {
    database = await backend.open();
    store = createEventStore(database);
  });
  afterAll(() => database?.close());

  const keptVersions = async (streamId: string) =>
    (
      await database.query<{ version: number }>("SELECT version FROM snapshots WHERE stream_id = $1 ORDER BY version", [
        streamId,
      ])
    ).map((row) => row.version);

  /** Appends `ns` as the next events, each recorded at `at` (or at the instants given), keeping the state after them. */
  async function appendKeeping(streamId: string, ns: number[], at: Date | Date[], recordedAfter?: Date) {
    const { state: before, version } = await store.aggregateStream(streamId, plain);
    let state = before;
    ns.forEach((n, index) => {
      state = evolve(state, { data: { n }, version: version + index + 1, recordedAt: placeholder });
    });
    return store.appendToStream(
      streamId,
      ns.map((n, index) => ({ type: "counted", data: { n }, ...(Array.isArray(at) ? { recordedAt: at[index] } : {}) })),
      {
        expectedVersion: version === 0 ? "no_stream" : version,
        ...(Array.isArray(at) ? {} : { recordedAt: at }),
        inlineStatement: inlineSnapshotStatements({
          streamId,
          snapshots,
          state,
          version: version + ns.length,
          recordedAtPaths: [["lastAt"]],
          recordedAfter,
        }),
      },
    );
  }

  const expectFoldsAlike = async (streamId: string) =>
    expect(await store.aggregateStream(streamId, withSnapshots)).toEqual(await store.aggregateStream(streamId, plain));

  it("keeps the state at the new version with the recorded instant filled in, and drops the previous command's", async () => {
    const streamId = `tally-${++streams}`;
    const start = Date.parse("2026-01-01T10:00:00.000Z");
    for (let index = 0; index < 7; index++) {
      const at = new Date(start + index * 60_000);
      await appendKeeping(streamId, [index + 1], at, index === 0 ? undefined : new Date(at.getTime() - 60_000));
      const [kept] = await database.query<{ state: Tally; max_recorded_at: Date }>(
        "SELECT state, max_recorded_at FROM snapshots WHERE stream_id = $1 AND version = $2",
        [streamId, index + 1],
      );
      expect(kept?.state).toEqual((await store.aggregateStream(streamId, plain)).state);
      expect(kept?.state.lastAt).toBe(at.toISOString());
      expect(kept?.max_recorded_at.getTime()).toBe(at.getTime());
    }
    // Every third version stays (a fold up to an earlier version starts there); of the others, only the latest.
    expect(await keptVersions(streamId)).toEqual([3, 6, 7]);
    await expectFoldsAlike(streamId);
    expect(await store.aggregateStream(streamId, withSnapshots, { toVersion: 5 })).toEqual(
      await store.aggregateStream(streamId, plain, { toVersion: 5 }),
    );
  });

  it("drops every earlier command's snapshot, also across an append that kept none", async () => {
    const streamId = `tally-${++streams}`;
    const minute = (n: number) => new Date(Date.parse("2026-01-01T10:00:00.000Z") + n * 60_000);
    await appendKeeping(streamId, [1], minute(0));
    await appendKeeping(streamId, [2], minute(1), minute(0));
    expect(await keptVersions(streamId)).toEqual([2]);
    // An append that keeps no snapshot (a change dated by its caller, say) leaves the one before it,
    // here past a periodic version (3) that nobody kept…
    await store.appendToStream(streamId, [{ type: "counted", data: { n: 3 } }], {
      expectedVersion: 2,
      recordedAt: minute(2),
    });
    expect(await keptVersions(streamId)).toEqual([2]);
    // …which the next one that keeps a snapshot drops, however far back.
    await appendKeeping(streamId, [4], minute(3), minute(2));
    expect(await keptVersions(streamId)).toEqual([4]);
    await expectFoldsAlike(streamId);
  });

  it("drops the snapshots of the fold's earlier versions, not those of a later one", async () => {
    const streamId = `tally-${++streams}`;
    const minute = (n: number) => new Date(Date.parse("2026-01-01T10:00:00.000Z") + n * 60_000);
    for (const n of [1, 2, 3]) {
      await store.appendToStream(streamId, [{ type: "counted", data: { n } }], {
        expectedVersion: n === 1 ? "no_stream" : n - 1,
        recordedAt: minute(n),
      });
    }
    // Periodic snapshots at version 3 of the fold as it was, as it is, and as a newer release folds it.
    for (const version of [snapshots.version - 1, snapshots.version, snapshots.version + 1])
      await store.aggregateStream(streamId, { ...plain, snapshots: { ...snapshots, version } });
    const foldVersions = async () =>
      (
        await database.query<{ fold_version: number }>(
          "SELECT fold_version FROM snapshots WHERE stream_id = $1 ORDER BY fold_version, version",
          [streamId],
        )
      ).map((row) => row.fold_version);
    expect(await foldVersions()).toEqual([snapshots.version - 1, snapshots.version, snapshots.version + 1]);
    await appendKeeping(streamId, [4], minute(4), minute(3));
    expect(await foldVersions()).toEqual([snapshots.version, snapshots.version, snapshots.version + 1]);
    await expectFoldsAlike(streamId);
  });

  it("keeps none when the new events are not recorded a millisecond after the latest earlier one", async () => {
    const streamId = `tally-${++streams}`;
    const first = new Date("2026-01-01T10:00:00.000Z");
    await appendKeeping(streamId, [1], first);
    // The same millisecond: which of the two instants is later is not known to the millisecond.
    await appendKeeping(streamId, [2], first, first);
    expect(await keptVersions(streamId)).toEqual([]);
    // A clock that stepped back.
    await appendKeeping(streamId, [3], new Date(first.getTime() - 60_000), first);
    expect(await keptVersions(streamId)).toEqual([]);
    await expectFoldsAlike(streamId);
    // A millisecond later: kept again (beside the periodic one the fold just above saved at 3).
    await appendKeeping(streamId, [4], new Date(first.getTime() + 1), first);
    expect(await keptVersions(streamId)).toEqual([3, 4]);
    await expectFoldsAlike(streamId);
  });

  it("keeps none for events recorded at different instants, and nothing when the append is refused", async () => {
    const streamId = `tally-${++streams}`;
    const first = new Date("2026-01-01T10:00:00.000Z");
    await appendKeeping(streamId, [1, 2], [first, new Date(first.getTime() + 60_000)]);
    expect(await keptVersions(streamId)).toEqual([]);
    await appendKeeping(streamId, [3], new Date(first.getTime() + 120_000), new Date(first.getTime() + 60_000));
    expect(await keptVersions(streamId)).toEqual([3]);

    const refused = store.appendToStream(streamId, [{ type: "counted", data: { n: 9 } }], {
      expectedVersion: 1,
      inlineStatement: inlineSnapshotStatements({
        streamId,
        snapshots,
        state: { total: 9, lastAt: placeholder, versions: [2] },
        version: 2,
        recordedAtPaths: [["lastAt"]],
      }),
    });
    await expect(refused).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(await keptVersions(streamId)).toEqual([3]);
    await expectFoldsAlike(streamId);
  });
});
