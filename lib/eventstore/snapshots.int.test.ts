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

  it("claims no earlier instant than the latest it folds: a fold up to an instant inside that event's millisecond does not start from it", async () => {
    const streamId = `tally-${++streams}`;
    // Recorded by the database's clock: on PostgreSQL within a millisecond, not at its start (999 times in 1,000).
    await store.appendToStream(streamId, [{ type: "counted", data: { n: 1 } }], { expectedVersion: "no_stream" });
    await store.appendToStream(streamId, [{ type: "counted", data: { n: 2 } }], { expectedVersion: 1 });
    await store.aggregateStream(streamId, withSnapshots(2));
    // The end of the latest event's millisecond: a read knows the instant only to the millisecond.
    const [kept] = await database.query<{ end_of_its_millisecond: boolean }>(
      `SELECT max_recorded_at = date_trunc('milliseconds', (SELECT max(recorded_at) FROM events WHERE stream_id = $1))
                                + interval '999 microseconds' AS end_of_its_millisecond
         FROM snapshots WHERE stream_id = $1`,
      [streamId],
    );
    expect(kept).toEqual({ end_of_its_millisecond: true });
    // The millisecond the second event was recorded in, as a read gives it.
    const until = (await store.readStream(streamId))[1]!.recordedAt;
    expect(await store.aggregateStream(streamId, withSnapshots(2), { until })).toEqual(
      await store.aggregateStream(streamId, plain, { until }),
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
  it("a fold reads the application's companion in its own statement, and hands its value to the read transform", async () => {
    await database.exec("CREATE TABLE IF NOT EXISTS tally_labels (stream_id text PRIMARY KEY, label text NOT NULL)");
    const sent: string[] = [];
    const seen: { streamId: string; value: unknown; events: number }[] = [];
    const recorded = Object.create(database) as TestDatabase;
    recorded.query = (statement, values) => {
      sent.push(typeof statement === "string" ? statement : statement.text);
      return database.query(statement, values);
    };
    const withCompanion = createEventStore(recorded, {
      foldCompanion: (streamId) =>
        streamId.startsWith("tally-")
          ? {
              name: "tally_labels.with_fold",
              text: "SELECT to_jsonb(label) FROM tally_labels WHERE stream_id = $1",
              values: [streamId],
            }
          : undefined,
      transformRead: (events, companion) => {
        if (companion) seen.push({ ...companion, events: events.length });
        return events;
      },
    });
    const labelled = `tally-${++streams}`;
    await withCompanion.appendToStream(
      labelled,
      [1, 2, 3].map((n) => ({ type: "counted", data: { n } })),
      {
        expectedVersion: "no_stream",
      },
    );
    await database.query("INSERT INTO tally_labels VALUES ($1, 'the label')", [labelled]);

    sent.length = 0;
    expect(await withCompanion.aggregateStream(labelled, withSnapshots(2))).toEqual({
      state: { total: 6, versions: [1, 2, 3] },
      version: 3,
    });
    // One statement read the stream and the companion (the snapshot at version 2 is kept after it).
    expect(sent[0]).toMatch(/FROM snapshots[\s\S]*FROM tally_labels/);
    expect(seen).toEqual([{ streamId: labelled, value: "the label", events: 3 }]);

    // From the snapshot, with nothing after it, and for a stream that does not exist: the value still comes.
    seen.length = 0;
    expect(await withCompanion.aggregateStream(labelled, withSnapshots(2), { toVersion: 2 })).toEqual({
      state: { total: 3, versions: [1, 2] },
      version: 2,
    });
    const unlabelled = `tally-${++streams}`;
    expect(await withCompanion.aggregateStream(unlabelled, withSnapshots(2))).toEqual({
      state: { total: 0, versions: [] },
      version: 0,
    });
    expect(seen).toEqual([
      { streamId: labelled, value: "the label", events: 0 },
      { streamId: unlabelled, value: null, events: 0 },
    ]);

    // A stream without a companion is read as before.
    seen.length = 0;
    const other = `other-${++streams}`;
    await withCompanion.appendToStream(other, [{ type: "counted", data: { n: 5 } }], { expectedVersion: "no_stream" });
    expect((await withCompanion.aggregateStream(other, withSnapshots(2))).state.total).toBe(5);
    expect(seen).toEqual([]);
  });
});
