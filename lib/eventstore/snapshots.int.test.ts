// Snapshots are derived data: folding from one gives exactly what folding from the start gives.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../testing/databases";
import { createEventStore, type EventStore } from ".";
import type { Fold, RecordedEvent } from "./types";

type Tally = { total: number; versions: number[] };
const plain: Fold<Tally> = {
  initialState: { total: 0, versions: [] },
  evolve: (state, event: RecordedEvent) => ({
    total: state.total + (event.data.n as number),
    versions: [...state.versions, event.version],
  }),
};
const withSnapshots = (every: number, version = 1): Fold<Tally> => ({
  ...plain,
  snapshots: { name: "tally", version, every },
});

describe.each(testBackends())("snapshots on $name", (backend) => {
  let database: TestDatabase;
  let store: EventStore;
  let streams = 0;
  beforeAll(async () => {
    database = await backend.open();
    store = createEventStore(database);
  });
  afterAll(() => database?.close());

  const snapshotCount = async (streamId: string) =>
    (
      await database.query<{ n: number }>("SELECT count(*)::int AS n FROM snapshots WHERE stream_id = $1", [streamId])
    )[0]!.n;

  it("property: at every version and instant, a fold from snapshots equals a plain fold", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ n: fc.integer({ min: -100, max: 100 }), minutes: fc.integer({ min: -30, max: 120 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 7 }),
        async (changes, every) => {
          const streamId = `tally-${++streams}`;
          // Times mostly move forward but may step back (imported histories): snapshots must not care.
          let time = Date.parse("2025-01-01T00:00:00Z");
          const events = changes.map(({ n, minutes }) => {
            time += minutes * 60_000;
            return { type: "counted", data: { n }, recordedAt: new Date(time) };
          });
          await store.appendToStream(streamId, events, { expectedVersion: "no_stream" });

          // Read twice over, in a shuffled order, so that snapshots exist for most reads.
          const versions = Array.from({ length: events.length }, (_, i) => i + 1);
          for (const pass of [1, 2]) {
            for (const toVersion of pass === 1 ? versions : [...versions].reverse()) {
              expect(await store.aggregateStream(streamId, withSnapshots(every), { toVersion })).toEqual(
                await store.aggregateStream(streamId, plain, { toVersion }),
              );
            }
            for (const event of events) {
              const until = event.recordedAt;
              expect(await store.aggregateStream(streamId, withSnapshots(every), { until })).toEqual(
                await store.aggregateStream(streamId, plain, { until }),
              );
            }
          }
          expect(await store.aggregateStream(streamId, withSnapshots(every))).toEqual(
            await store.aggregateStream(streamId, plain),
          );
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });

  it("keeps one every N versions, reads from the nearest, and ignores them once the fold's version changes", async () => {
    const streamId = `tally-${++streams}`;
    await store.appendToStream(
      streamId,
      Array.from({ length: 25 }, (_, i) => ({ type: "counted", data: { n: i + 1 } })),
      { expectedVersion: "no_stream" },
    );
    const full = await store.aggregateStream(streamId, withSnapshots(10));
    expect(full.state.total).toBe(325);
    expect(await snapshotCount(streamId)).toBe(2);

    // Prove the snapshot is what the fold starts from: tamper with it, and the result follows.
    await database.query(
      "UPDATE snapshots SET state = jsonb_set(state, '{total}', '1000000') WHERE stream_id = $1 AND version = 20",
      [streamId],
    );
    expect((await store.aggregateStream(streamId, withSnapshots(10))).state.total).toBe(
      1_000_000 + 21 + 22 + 23 + 24 + 25,
    );
    expect((await store.aggregateStream(streamId, withSnapshots(10), { toVersion: 15 })).state.total).toBe(120);
    // A new fold version ignores the old snapshots (and makes its own).
    expect((await store.aggregateStream(streamId, withSnapshots(10, 2))).state.total).toBe(325);
    // Deleting snapshots changes nothing but speed.
    await database.query("DELETE FROM snapshots WHERE stream_id = $1", [streamId]);
    expect(await store.aggregateStream(streamId, withSnapshots(10))).toEqual(full);
  });
});
