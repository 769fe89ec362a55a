// Wake-ups of other processes are coalesced: a burst of appends sends at most one NOTIFY per 25 ms,
// not one per append (each is a round trip on the thread that serves the commands).
import { describe, expect, it } from "vitest";
import type { Database } from "../db/database";
import { createEventNotifier } from "./notifications";

describe("event notifier", () => {
  it("sends other processes at most one NOTIFY per 25 ms of a burst of appends, and at least one", async () => {
    const sent: string[] = [];
    const database = {
      backend: "postgres",
      query: async (text: string) => {
        sent.push(text);
        return [];
      },
    } as unknown as Database;
    const notifier = createEventNotifier(database);
    const started = Date.now();
    for (let append = 0; append < 100; append++) {
      notifier.appended();
      await new Promise((done) => setTimeout(done, 1));
    }
    const elapsed = Date.now() - started;
    await new Promise((done) => setTimeout(done, 60));
    const notifies = sent.filter((text) => text.includes("pg_notify")).length;
    expect(notifies).toBeGreaterThanOrEqual(1);
    expect(notifies).toBeLessThanOrEqual(Math.ceil(elapsed / 25) + 1);
    await notifier.close();
  });
});
