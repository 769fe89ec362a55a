import { authorizedRequest } from "@/lib/testing/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { createPostgresDatabase } from "@/lib/db/database";
import { createEventNotifier, createEventStore } from "@/lib/eventstore";
import { testBackends } from "@/lib/testing/databases";
import { collect } from "@/lib/testing/event-stream";
import { GET } from "./stream/route";

/**
 * The feed only shows transactions older than every transaction still running on the server —
 * in any database of it (other test files write meanwhile). Wait until it shows `position`.
 */
async function headReaching(position: number): Promise<number> {
  const { store } = await getServices();
  for (let tries = 0; tries < 200; tries++) {
    const head = await store.headPosition();
    if (head >= position) return head;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error(`the feed never reached position ${position}`);
}

describe.each(testBackends())("event stream (SSE) on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("catches up, goes live, and resumed from Last-Event-ID delivers every event exactly once", async () => {
    const { store } = await getServices();
    const before = await store.appendToStream("thing-before", [{ type: "thing.before", data: {} }], {
      expectedVersion: "any",
    });
    const start = await headReaching(before.events[0]!.position);

    // Writers race while the subscriber is connected: some events land during catch-up, some live.
    const writers = Array.from({ length: 5 }, async (_, writer) => {
      const positions: number[] = [];
      for (let i = 0; i < 8; i++) {
        const result = await store.appendToStream(
          `thing-live-${writer}`,
          [{ type: "thing.live", data: { writer, i } }],
          {
            expectedVersion: "any",
          },
        );
        positions.push(result.events[0]!.position);
        await new Promise((done) => setTimeout(done, 3));
      }
      return positions;
    });
    const firstPart = await collect({}, `?after=${start}`, (messages) => messages.length >= 15);
    const appended = (await Promise.all(writers)).flat();

    expect(firstPart.every((message) => message.event === "thing.live")).toBe(true);
    expect(firstPart.every((message) => message.id === String(message.data.position))).toBe(true);
    const resumeFrom = firstPart[firstPart.length - 1]!.id;
    const rest = await collect(
      { "last-event-id": resumeFrom },
      "",
      (messages) => firstPart.length + messages.length >= appended.length,
    );

    const delivered = [...firstPart, ...rest].map((message) => message.data.position);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort((a, b) => a - b)).toEqual([...appended].sort((a, b) => a - b));
  });

  it("with ?from=now delivers only what is appended after connecting", async () => {
    const { store } = await getServices();
    const old = await store.appendToStream("thing-old", [{ type: "thing.old", data: {} }], { expectedVersion: "any" });
    await headReaching(old.events[0]!.position);
    const late = (async () => {
      await new Promise((done) => setTimeout(done, 300));
      await store.appendToStream("thing-new", [{ type: "thing.new", data: {} }], { expectedVersion: "any" });
    })();
    const messages = await collect({}, "?from=now", (received) => received.length >= 1);
    await late;
    expect(messages.map((message) => message.event)).toEqual(["thing.new"]);
  });

  it.skipIf(backend.name === "pglite")(
    "is woken by NOTIFY when another process appends, well before its poll",
    async () => {
      const { database, store } = await getServices();
      if (database.backend !== "postgres") return;
      // Another process: its own pool, notifier and store.
      const other = createPostgresDatabase(database.pool.options.connectionString!, { maxConnections: 2 });
      const otherNotifier = createEventNotifier(other);
      const otherStore = createEventStore(other, { onAppended: otherNotifier.appended });
      try {
        const mark = await store.appendToStream("thing-mark", [{ type: "thing.mark", data: {} }], {
          expectedVersion: "any",
        });
        const start = await headReaching(mark.events[0]!.position);
        let appendedAt = 0;
        const appending = (async () => {
          await new Promise((done) => setTimeout(done, 2500));
          appendedAt = Date.now();
          await otherStore.appendToStream("thing-elsewhere", [{ type: "thing.elsewhere", data: {} }], {
            expectedVersion: "any",
          });
        })();
        const messages = await collect({}, `?after=${start}`, (received) => received.length >= 1);
        const latency = Date.now() - appendedAt;
        await appending;
        expect(messages.map((message) => message.event)).toEqual(["thing.elsewhere"]);
        // The feed polls every 2 s; arriving within a fraction of that means the NOTIFY woke it.
        expect(latency).toBeLessThan(500);
      } finally {
        await otherNotifier.close();
        await other.close();
      }
    },
  );

  it("refuses an unknown position or a malformed Last-Event-ID before streaming", async () => {
    for (const [headers, query] of [
      [{}, "?after=999999999"],
      [{ "last-event-id": "abc" }, ""],
      [{}, "?after=-1"],
      [{}, "?from=later"],
    ] as const) {
      const response = await GET(await authorizedRequest(`http://rewind.test/api/events/stream${query}`, { headers }), {
        params: Promise.resolve({}),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});
