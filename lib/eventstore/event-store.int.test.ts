import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { feedShowsEverything } from "../testing/projections";
import { testBackends, type TestDatabase } from "../testing/databases";
import { createEventStore, InvalidEventStoreArgument, UnknownPosition, WrongExpectedVersion, type EventStore } from ".";
import type { NewEvent, RecordedEvent } from "./types";

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data: data as NewEvent["data"],
});
let streamCounter = 0;
const newStreamId = () => `thing-${process.pid}-${++streamCounter}-${Math.random().toString(36).slice(2, 8)}`;

async function countEvents(database: TestDatabase): Promise<number> {
  const [row] = await database.query<{ count: number }>("SELECT count(*)::int AS count FROM events");
  return row!.count;
}

/** Every event the feed shows, once it shows every event committed (other test files' transactions hold it back). */
async function readEverything(database: TestDatabase, store: EventStore, pageSize = 1000): Promise<RecordedEvent[]> {
  await feedShowsEverything(database);
  const all: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await store.readAll({ after, limit: pageSize });
    if (page.events.length === 0) return all;
    all.push(...page.events);
    after = page.lastPosition;
  }
}

describe.each(testBackends())("event store on $name", (backend) => {
  let database: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    database = await backend.open();
    store = createEventStore(database);
  });
  afterAll(() => database?.close());

  describe("appendToStream", () => {
    it("numbers a new stream's events from 1 and returns their global positions", async () => {
      const streamId = newStreamId();
      const result = await store.appendToStream(
        streamId,
        [event("thing.made", { n: 1 }), event("thing.painted", { colour: "red" })],
        {
          expectedVersion: "no_stream",
        },
      );

      expect(result.version).toBe(2);
      expect(result.replayed).toBe(false);
      expect(result.events.map((e) => e.version)).toEqual([1, 2]);
      expect(result.events[1]!.position).toBeGreaterThan(result.events[0]!.position);
      const read = await store.readStream(streamId);
      expect(read.map((e) => [e.version, e.type, e.data, e.position])).toEqual([
        [1, "thing.made", { n: 1 }, result.events[0]!.position],
        [2, "thing.painted", { colour: "red" }, result.events[1]!.position],
      ]);
      expect(read[0]!.streamType).toBe("thing");
    });

    it("records event id, command, correlation, causation and actor on every event", async () => {
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a"), event("b")], {
        expectedVersion: "any",
        metadata: {
          commandId: "cmd-1",
          correlationId: "corr-1",
          causationId: "cause-1",
          actor: "alice",
          extra: { reason: "test" },
        },
      });
      const [first, second] = await store.readStream(streamId);
      for (const recorded of [first!, second!]) {
        expect(recorded.metadata).toMatchObject({
          commandId: "cmd-1",
          correlationId: "corr-1",
          causationId: "cause-1",
          actor: "alice",
          reason: "test",
        });
        expect(recorded.metadata.eventId).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(first!.metadata.eventId).not.toBe(second!.metadata.eventId);
    });

    it("keeps per-event metadata, under the recorded fields it cannot override", async () => {
      const streamId = newStreamId();
      const { events } = await store.appendToStream(
        streamId,
        [
          { type: "a", data: {}, metadata: { schemaVersion: 2, actor: "forged" } },
          { type: "b", data: {}, metadata: { schemaVersion: 1 } },
        ],
        { expectedVersion: "any", metadata: { actor: "alice", extra: { schemaVersion: 0, source: "import" } } },
      );
      const read = await store.readStream(streamId);
      expect(read.map((e) => [e.metadata.schemaVersion, e.metadata.source, e.metadata.actor])).toEqual([
        [2, "import", "alice"],
        [1, "import", "alice"],
      ]);
      expect(read.map((e) => e.metadata)).toEqual(events.map((e) => e.metadata));
    });

    it("defaults correlation and causation to the command id, and the actor to anonymous", async () => {
      const streamId = newStreamId();
      const { events } = await store.appendToStream(streamId, [event("a")], { expectedVersion: "any" });
      const { metadata } = events[0]!;
      expect(metadata.correlationId).toBe(metadata.commandId);
      expect(metadata.causationId).toBe(metadata.commandId);
      expect(metadata.actor).toBe("anonymous");
    });

    it("appends at the expected version and refuses a stale one with the actual version", async () => {
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a"), event("b")], { expectedVersion: "no_stream" });
      await store.appendToStream(streamId, [event("c")], { expectedVersion: 2 });

      const stale = store.appendToStream(streamId, [event("d")], { expectedVersion: 2 });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersion);
      await expect(stale).rejects.toMatchObject({ actualVersion: 3, expectedVersion: 2, streamId });
      expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(["a", "b", "c"]);
    });

    it('refuses "no_stream" on an existing stream and "stream_exists" on a missing one', async () => {
      const existing = newStreamId();
      await store.appendToStream(existing, [event("a")], { expectedVersion: "no_stream" });
      await expect(
        store.appendToStream(existing, [event("b")], { expectedVersion: "no_stream" }),
      ).rejects.toMatchObject({
        actualVersion: 1,
      });
      const missing = newStreamId();
      await expect(
        store.appendToStream(missing, [event("a")], { expectedVersion: "stream_exists" }),
      ).rejects.toMatchObject({
        actualVersion: 0,
      });
      await expect(store.appendToStream(missing, [event("a")], { expectedVersion: 5 })).rejects.toBeInstanceOf(
        WrongExpectedVersion,
      );
      expect(await store.readStream(missing)).toEqual([]);
      expect((await store.appendToStream(existing, [event("b")], { expectedVersion: "stream_exists" })).version).toBe(
        2,
      );
      expect((await store.appendToStream(existing, [event("c")], { expectedVersion: "any" })).version).toBe(3);
    });

    it("lets 16 writers race on one stream: one winner per version, no gap, no duplicate", async () => {
      const streamId = newStreamId();
      const writers = 16;
      const appendsPerWriter = 5;
      const wins: number[] = [];
      const losses: WrongExpectedVersion[] = [];

      await Promise.all(
        Array.from({ length: writers }, async (_, writer) => {
          let expected = 0;
          for (let done = 0; done < appendsPerWriter;) {
            try {
              const result = await store.appendToStream(streamId, [event("thing.counted", { writer, done })], {
                expectedVersion: expected,
              });
              wins.push(result.version);
              expected = result.version;
              done++;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersion)) throw error;
              losses.push(error);
              expected = error.actualVersion;
            }
          }
        }),
      );

      const total = writers * appendsPerWriter;
      expect([...wins].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(losses.length).toBeGreaterThan(0);
      for (const loss of losses) expect(loss.actualVersion).toBeGreaterThan(loss.expectedVersion as number);
      const stream = await store.readStream(streamId);
      expect(stream.map((e) => e.version)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      expect(new Set(stream.map((e) => e.position)).size).toBe(total);
    });

    it('retries a lost race by itself when the caller expects "any"', async () => {
      const streamId = newStreamId();
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          store.appendToStream(streamId, [event("a", { i })], { expectedVersion: "any" }),
        ),
      );
      const stream = await store.readStream(streamId);
      expect(stream.map((e) => e.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(new Set(stream.map((e) => e.data.i)).size).toBe(16);
    });

    it("writes all events of a batch or none: a failing inline statement refuses the batch", async () => {
      await database.exec(
        "CREATE TABLE IF NOT EXISTS inline_batch_unique (value text CONSTRAINT inline_batch_unique_key UNIQUE)",
      );
      await database.exec("INSERT INTO inline_batch_unique VALUES ('taken') ON CONFLICT DO NOTHING");
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a")], { expectedVersion: "no_stream" });
      const before = await countEvents(database);

      const failing = store.appendToStream(streamId, [event("b"), event("c"), event("d")], {
        expectedVersion: 1,
        inlineStatement: { text: "INSERT INTO inline_batch_unique SELECT 'taken' FROM appended LIMIT 1" },
      });
      await expect(failing).rejects.toMatchObject({ code: "23505", constraint: "inline_batch_unique_key" });

      expect(await countEvents(database)).toBe(before);
      expect((await store.readStream(streamId)).map((e) => e.type)).toEqual(["a"]);
      expect((await store.appendToStream(streamId, [event("b")], { expectedVersion: 1 })).version).toBe(2);
    });

    it("runs an inline statement within the append's own statement, and not when the append is refused", async () => {
      await database.exec(
        "CREATE TABLE IF NOT EXISTS inline_statement_probe (stream_id text, last_version int, events int, label text)",
      );
      const inlineStatement = (label: string) => ({
        name: "test.inline_probe",
        text: `INSERT INTO inline_statement_probe SELECT $1, max(version), count(*), $2 FROM appended HAVING count(*) > 0`,
        values: [streamId, label],
      });
      const streamId = newStreamId();
      const result = await store.appendToStream(streamId, [event("a"), event("b")], {
        expectedVersion: "no_stream",
        inlineStatement: inlineStatement("first"),
      });
      expect(result.version).toBe(2);
      await store.appendToStream(streamId, [event("c")], {
        expectedVersion: 2,
        inlineStatement: inlineStatement("second"),
      });
      await expect(
        store.appendToStream(streamId, [event("d")], {
          expectedVersion: 1,
          inlineStatement: inlineStatement("refused"),
        }),
      ).rejects.toBeInstanceOf(WrongExpectedVersion);
      const probe = await database.query(
        "SELECT last_version, events, label FROM inline_statement_probe WHERE stream_id = $1 ORDER BY last_version",
        [streamId],
      );
      expect(probe).toEqual([
        { last_version: 2, events: 2, label: "first" },
        { last_version: 3, events: 1, label: "second" },
      ]);
    });

    it("appends nothing when the inline statement fails", async () => {
      await database.exec(
        "CREATE TABLE IF NOT EXISTS inline_statement_unique (value text CONSTRAINT inline_statement_unique_key UNIQUE)",
      );
      const taken = { text: "INSERT INTO inline_statement_unique SELECT 'same' FROM appended LIMIT 1", values: [] };
      await store.appendToStream(newStreamId(), [event("a")], { expectedVersion: "any", inlineStatement: taken });
      const streamId = newStreamId();
      await expect(
        store.appendToStream(streamId, [event("a"), event("b")], { expectedVersion: "any", inlineStatement: taken }),
      ).rejects.toMatchObject({
        constraint: "inline_statement_unique_key",
      });
      expect(await store.readStream(streamId)).toEqual([]);
    });

    it("runs several inline statements with their own parameters, and appends nothing when one of them fails", async () => {
      await database.exec(
        "CREATE TABLE IF NOT EXISTS inline_statements_probe (stream_id text, label text CONSTRAINT inline_statements_label_key UNIQUE)",
      );
      const probe = (label: string) => ({
        text: "INSERT INTO inline_statements_probe SELECT $1, $2 FROM appended LIMIT 1",
        values: [streamId, label],
      });
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a")], {
        expectedVersion: "no_stream",
        inlineStatement: [probe("one"), probe("two")],
      });
      await expect(
        store.appendToStream(streamId, [event("b")], {
          expectedVersion: 1,
          inlineStatement: [probe("three"), probe("two")],
        }),
      ).rejects.toMatchObject({ constraint: "inline_statements_label_key" });

      expect((await store.readStream(streamId)).map((recorded) => recorded.version)).toEqual([1]);
      const labels = await database.query(
        "SELECT label FROM inline_statements_probe WHERE stream_id = $1 ORDER BY label",
        [streamId],
      );
      expect(labels).toEqual([{ label: "one" }, { label: "two" }]);
    });

    it("keeps event time from recordedAt, for imported and generated histories", async () => {
      const streamId = newStreamId();
      const past = new Date("2025-05-01T12:00:00.000Z");
      const { events } = await store.appendToStream(streamId, [event("a")], {
        expectedVersion: "no_stream",
        recordedAt: past,
      });
      expect(events[0]!.recordedAt.toISOString()).toBe(past.toISOString());
      expect((await store.readStream(streamId))[0]!.recordedAt.toISOString()).toBe(past.toISOString());
    });

    it("records an event after the stream's last one even when the clock says earlier (it stepped back)", async () => {
      const streamId = newStreamId();
      // The stream's last event recorded an hour ahead of the database's clock now, as after a clock step back.
      const ahead = new Date(Date.now() + 3_600_000);
      await store.appendToStream(streamId, [event("a")], { expectedVersion: "no_stream", recordedAt: ahead });
      const [{ micros: lastMicros } = { micros: "" }] = await database.query<{ micros: string }>(
        "SELECT (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS micros FROM events WHERE stream_id = $1",
        [streamId],
      );
      await store.appendToStream(streamId, [event("b")], { expectedVersion: 1 });
      await store.appendToStream(streamId, [event("c"), event("d")], { expectedVersion: 2 });
      const recorded = await database.query<{ micros: string }>(
        "SELECT (extract(epoch FROM recorded_at) * 1000000)::bigint::text AS micros FROM events WHERE stream_id = $1 ORDER BY version",
        [streamId],
      );
      // One microsecond after the last, each append: never before it, however far back the clock went.
      expect(recorded.map((row) => BigInt(row.micros) - BigInt(lastMicros))).toEqual([0n, 1n, 2n, 2n]);
      // A stream whose clock is right is recorded at the transaction's time, as before.
      const fresh = newStreamId();
      const before = Date.now();
      const { events } = await store.appendToStream(fresh, [event("a")], { expectedVersion: "no_stream" });
      expect(Math.abs(events[0]!.recordedAt.getTime() - before)).toBeLessThan(60_000);
    });

    it("keeps per-event times in a batch, for whole imported histories", async () => {
      const streamId = newStreamId();
      const times = ["2024-01-01T00:00:00.000Z", "2024-06-01T00:00:00.000Z"].map((t) => new Date(t));
      await store.appendToStream(
        streamId,
        [{ ...event("a"), recordedAt: times[0] }, { ...event("b"), recordedAt: times[1] }, event("c")],
        {
          expectedVersion: "no_stream",
          recordedAt: new Date("2025-01-01T00:00:00.000Z"),
        },
      );
      const read = await store.readStream(streamId);
      expect(read.map((e) => e.recordedAt.toISOString())).toEqual([
        "2024-01-01T00:00:00.000Z",
        "2024-06-01T00:00:00.000Z",
        "2025-01-01T00:00:00.000Z",
      ]);
      expect(
        (await store.readStream(streamId, { until: new Date("2024-03-01T00:00:00Z") })).map((e) => e.type),
      ).toEqual(["a"]);
    });
  });

  describe("idempotency", () => {
    it("returns the original result for a retried command id and appends nothing", async () => {
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a")], { expectedVersion: "no_stream" });
      const first = await store.appendToStream(streamId, [event("b"), event("c")], {
        expectedVersion: 1,
        metadata: { commandId: "retry-me" },
      });
      const before = await countEvents(database);

      const retry = await store.appendToStream(streamId, [event("b"), event("c")], {
        expectedVersion: 1,
        metadata: { commandId: "retry-me" },
      });

      expect(retry.replayed).toBe(true);
      expect(retry.version).toBe(first.version);
      expect(retry.events.map((e) => [e.position, e.version, e.type, e.metadata.eventId])).toEqual(
        first.events.map((e) => [e.position, e.version, e.type, e.metadata.eventId]),
      );
      expect(await countEvents(database)).toBe(before);
    });

    it("returns the original result to concurrent retries of one command", async () => {
      const streamId = newStreamId();
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.appendToStream(streamId, [event("a")], { expectedVersion: "any", metadata: { commandId: "once" } }),
        ),
      );
      expect(await store.readStream(streamId)).toHaveLength(1);
      expect(new Set(results.map((r) => r.events[0]!.position)).size).toBe(1);
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    });

    it("scopes a command id to its stream", async () => {
      const [one, two] = [newStreamId(), newStreamId()];
      await store.appendToStream(one, [event("a")], { expectedVersion: "any", metadata: { commandId: "shared" } });
      const other = await store.appendToStream(two, [event("a")], {
        expectedVersion: "any",
        metadata: { commandId: "shared" },
      });
      expect(other.replayed).toBe(false);
    });
  });

  describe("bad arguments throw typed errors and write nothing", () => {
    let before: number;
    beforeEach(async () => {
      before = await countEvents(database);
    });

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [string, () => Promise<unknown>][] = [
      ["an empty stream id", () => store.appendToStream("", [event("a")], { expectedVersion: "any" })],
      ["a blank stream id", () => store.appendToStream("   ", [event("a")], { expectedVersion: "any" })],
      ["an empty event list", () => store.appendToStream(newStreamId(), [], { expectedVersion: "any" })],
      ["a negative expected version", () => store.appendToStream(newStreamId(), [event("a")], { expectedVersion: -1 })],
      [
        "a fractional expected version",
        () => store.appendToStream(newStreamId(), [event("a")], { expectedVersion: 1.5 }),
      ],
      [
        "an unknown expected version",
        () => store.appendToStream(newStreamId(), [event("a")], { expectedVersion: "latest" as never }),
      ],
      ["a missing expected version", () => store.appendToStream(newStreamId(), [event("a")], {} as never)],
      ["an empty event type", () => store.appendToStream(newStreamId(), [event("")], { expectedVersion: "any" })],
      [
        "data that is not an object",
        () => store.appendToStream(newStreamId(), [{ type: "a", data: [1] as never }], { expectedVersion: "any" }),
      ],
      ["a bigint", () => store.appendToStream(newStreamId(), [event("a", { n: 1n })], { expectedVersion: "any" })],
      [
        "a function",
        () => store.appendToStream(newStreamId(), [event("a", { f: () => 1 })], { expectedVersion: "any" }),
      ],
      ["NaN", () => store.appendToStream(newStreamId(), [event("a", { n: Number.NaN })], { expectedVersion: "any" })],
      [
        "a Date",
        () => store.appendToStream(newStreamId(), [event("a", { at: new Date() })], { expectedVersion: "any" }),
      ],
      ["a cycle", () => store.appendToStream(newStreamId(), [event("a", cyclic)], { expectedVersion: "any" })],
      [
        "a NUL character",
        () => store.appendToStream(newStreamId(), [event("a", { s: "a\u0000b" })], { expectedVersion: "any" }),
      ],
      [
        "an unpaired surrogate",
        () => store.appendToStream(newStreamId(), [event("a", { s: "\ud800" })], { expectedVersion: "any" }),
      ],
      [
        "a sparse array",
        // eslint-disable-next-line no-sparse-arrays -- the hole is what this case sends
        () => store.appendToStream(newStreamId(), [event("a", { list: [1, , 3] })], { expectedVersion: "any" }),
      ],
      [
        "one bad event among good ones",
        () =>
          store.appendToStream(newStreamId(), [event("a"), event("b", { n: 1n }), event("c")], {
            expectedVersion: "any",
          }),
      ],
      [
        "an empty actor",
        () => store.appendToStream(newStreamId(), [event("a")], { expectedVersion: "any", metadata: { actor: "" } }),
      ],
      [
        "an invalid recordedAt",
        () =>
          store.appendToStream(newStreamId(), [event("a")], { expectedVersion: "any", recordedAt: new Date("nope") }),
      ],
      ["a negative readAll position", () => store.readAll({ after: -1 })],
      ["a readAll limit of 0", () => store.readAll({ limit: 0 })],
      ["a fractional toVersion", () => store.readStream(newStreamId(), { toVersion: 1.5 })],
    ];

    it.each(cases)("refuses %s", async (_, call) => {
      await expect(call()).rejects.toBeInstanceOf(InvalidEventStoreArgument);
      expect(await countEvents(database)).toBe(before);
    });
  });

  describe("the database keeps the log append-only", () => {
    it.each([
      ["UPDATE", "UPDATE events SET type = 'tampered'"],
      ["DELETE", "DELETE FROM events"],
      ["TRUNCATE", "TRUNCATE events"],
    ])("refuses %s", async (operation, statement) => {
      const streamId = newStreamId();
      await store.appendToStream(streamId, [event("a")], { expectedVersion: "no_stream" });
      const before = await countEvents(database);
      await expect(database.query(statement)).rejects.toThrow(`append-only: ${operation} is not allowed`);
      expect(await countEvents(database)).toBe(before);
      expect((await store.readStream(streamId))[0]!.type).toBe("a");
    });
  });

  describe("readAll", () => {
    it("pages through every event exactly once, filters by type, and knows unknown positions", async () => {
      const streamId = newStreamId();
      const written = await store.appendToStream(
        streamId,
        Array.from({ length: 25 }, (_, i) => event(i % 5 === 0 ? "rare" : "common", { i })),
        {
          expectedVersion: "no_stream",
        },
      );
      const all = await readEverything(database, store, 7);
      const mine = all.filter((e) => e.streamId === streamId);
      expect(mine.map((e) => e.position)).toEqual(written.events.map((e) => e.position));
      expect(new Set(all.map((e) => e.position)).size).toBe(all.length);

      const last = all[all.length - 1]!.position;
      expect(await store.readAll({ after: last })).toEqual({ events: [], lastPosition: last, scanned: 0 });
      await expect(store.readAll({ after: last + 1_000_000 })).rejects.toBeInstanceOf(UnknownPosition);
    });

    it("keeps only some types, transforming only those, while moving past every event read", async () => {
      const transformed: string[] = [];
      const transforming = createEventStore(database, {
        transformRead: (events) => {
          transformed.push(...events.map((e) => e.type));
          return events;
        },
      });
      const streamId = newStreamId();
      const written = await transforming.appendToStream(
        streamId,
        [event("skip"), event("keep"), event("skip"), event("skip")],
        {
          expectedVersion: "no_stream",
        },
      );
      const before = written.events[0]!.position - 1;
      await feedShowsEverything(database);
      const page = await transforming.readAll({ after: before, limit: 4, keepTypes: ["keep"] });
      transformed.splice(0, transformed.length - page.events.length);
      expect(page.scanned).toBe(4);
      expect(page.events.map((e) => e.type)).toEqual(["keep"]);
      expect(page.lastPosition).toBe(written.events[3]!.position);
      expect(transformed).toEqual(["keep"]);

      // A page with none of the kept types still moves past what it read.
      const none = await transforming.readAll({ after: written.events[1]!.position, limit: 2, keepTypes: ["keep"] });
      expect(none).toEqual({ events: [], lastPosition: written.events[3]!.position, scanned: 2 });
      const end = await transforming.readAll({ after: written.events[3]!.position, limit: 10, keepTypes: ["keep"] });
      expect(end).toEqual({ events: [], lastPosition: written.events[3]!.position, scanned: 0 });
      await expect(
        transforming.readAll({ after: written.events[3]!.position + 1_000_000, keepTypes: ["keep"] }),
      ).rejects.toBeInstanceOf(UnknownPosition);
    });

    it.skipIf(backend.name === "pglite")(
      "never skips an event whose transaction commits after a later position was read",
      async () => {
        // Transaction EARLY takes its transaction id first; LATE takes a later one but writes the
        // lower position, and commits last. A reader that follows positions alone would read EARLY's
        // event, move its cursor past LATE's position, and never see LATE's event.
        // (PGlite runs one transaction at a time, so commits cannot interleave there.)
        const url = database.url!;
        const { default: pg } = await import("pg");
        const early = new pg.Client({ connectionString: url });
        const late = new pg.Client({ connectionString: url });
        await Promise.all([early.connect(), late.connect()]);
        try {
          const insert = `INSERT INTO events (stream_id, stream_type, version, type, data, metadata)
                          VALUES ($1, 'race', 1, $2, '{}', '{}') RETURNING position`;
          await early.query("BEGIN");
          await early.query("SELECT pg_current_xact_id()");
          await late.query("BEGIN");
          await late.query("SELECT pg_current_xact_id()");
          const latePosition = (await late.query(insert, [newStreamId(), "late"])).rows[0].position;
          const earlyPosition = (await early.query(insert, [newStreamId(), "early"])).rows[0].position;
          expect(Number(latePosition)).toBeLessThan(Number(earlyPosition));

          const cursorStart = (await readEverything(database, store)).at(-1)?.position ?? 0;
          await early.query("COMMIT");
          const firstRead = await store.readAll({ after: cursorStart });
          expect(firstRead.events.map((e) => e.type)).toEqual(["early"]);

          await late.query("COMMIT");
          const secondRead = await store.readAll({ after: firstRead.lastPosition });
          expect(secondRead.events.map((e) => e.type)).toEqual(["late"]);
          expect(secondRead.events[0]!.position).toBeLessThan(firstRead.lastPosition);
        } finally {
          await Promise.all([early.end(), late.end()]);
        }
      },
    );

    it.skipIf(backend.name === "pglite")(
      "holds back events behind an append still in flight, then delivers both in order",
      async () => {
        // The first append's inline statement waits for a row another connection is inserting, which
        // keeps that append open after it took its position. (PGlite runs one transaction at a time:
        // nothing commits while an append is open.)
        await database.exec("CREATE TABLE IF NOT EXISTS append_gate (id int PRIMARY KEY)");
        const { default: pg } = await import("pg");
        const holder = new pg.Client({ connectionString: database.url! });
        await holder.connect();
        try {
          const cursorStart = (await readEverything(database, store)).at(-1)?.position ?? 0;
          await holder.query("BEGIN");
          await holder.query("INSERT INTO append_gate VALUES (1)");
          const slow = store.appendToStream(newStreamId(), [event("slow")], {
            expectedVersion: "no_stream",
            inlineStatement: { text: "INSERT INTO append_gate SELECT 1 FROM appended" },
          });
          const waitingAppends = () =>
            database.query(
              `SELECT 1 FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%append_gate%'`,
            );
          while ((await waitingAppends()).length === 0) await new Promise((done) => setTimeout(done, 10));

          const fastResult = await store.appendToStream(newStreamId(), [event("fast")], {
            expectedVersion: "no_stream",
          });
          expect((await store.readAll({ after: cursorStart })).events).toEqual([]);
          await holder.query("ROLLBACK");
          const slowResult = await slow;
          await feedShowsEverything(database);
          const read = await store.readAll({ after: cursorStart });
          expect(read.events.map((e) => e.position)).toEqual([
            slowResult.events[0]!.position,
            fastResult.events[0]!.position,
          ]);
        } finally {
          await holder.end();
        }
      },
    );

    it("under concurrent writers, pages of readAll taken while they write add up to every event once", async () => {
      let cursor = (await readEverything(database, store)).at(-1)?.position ?? 0;
      const seen: RecordedEvent[] = [];
      let writing = true;
      const writers = Promise.all(
        Array.from({ length: 8 }, async (_, writer) => {
          for (let i = 0; i < 25; i++) {
            await store.appendToStream(`mixed-${writer}-${streamCounter}`, [event("mixed", { writer, i })], {
              expectedVersion: "any",
            });
          }
        }),
      ).finally(() => (writing = false));
      while (writing) {
        const page = await store.readAll({ after: cursor, limit: 10 });
        seen.push(...page.events);
        cursor = page.lastPosition;
      }
      await writers;
      // Keep reading until all 200 have come: the feed also waits for transactions of other test
      // files on the same server, so an empty page does not mean the end.
      for (let idle = 0; seen.filter((e) => e.type === "mixed").length < 200 && idle < 400;) {
        const page = await store.readAll({ after: cursor, limit: 10 });
        if (page.events.length === 0) {
          idle++;
          await new Promise((done) => setTimeout(done, 25));
          continue;
        }
        seen.push(...page.events);
        cursor = page.lastPosition;
      }
      const mixed = seen.filter((e) => e.type === "mixed");
      expect(mixed).toHaveLength(200);
      expect(new Set(mixed.map((e) => e.position)).size).toBe(200);
    });
  });

  describe("aggregateStream: time travel is the fold, stopped early", () => {
    const sum = {
      initialState: { total: 0, seen: [] as number[] },
      evolve: (s: { total: number; seen: number[] }, e: RecordedEvent) => ({
        total: s.total + (e.data.n as number),
        seen: [...s.seen, e.version],
      }),
    };

    it("folds the whole stream, up to a version, and up to an instant", async () => {
      const streamId = newStreamId();
      const days = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"];
      for (const [index, day] of days.entries()) {
        await store.appendToStream(streamId, [event("added", { n: 10 ** index })], {
          expectedVersion: index,
          recordedAt: new Date(`${day}T00:00:00Z`),
        });
      }

      expect(await store.aggregateStream(streamId, sum)).toEqual({
        state: { total: 1111, seen: [1, 2, 3, 4] },
        version: 4,
      });
      expect(await store.aggregateStream(streamId, sum, { toVersion: 2 })).toEqual({
        state: { total: 11, seen: [1, 2] },
        version: 2,
      });
      expect(await store.aggregateStream(streamId, sum, { until: new Date("2025-03-01T00:00:00Z") })).toEqual({
        state: { total: 111, seen: [1, 2, 3] },
        version: 3,
      });
      expect(await store.aggregateStream(streamId, sum, { until: new Date("2024-12-31T23:59:59Z") })).toEqual({
        state: sum.initialState,
        version: 0,
      });
      expect(await store.aggregateStream(newStreamId(), sum)).toEqual({ state: sum.initialState, version: 0 });
    });
  });
});
