// Event schema versions: a deactivation stored in schema version 1 (a reason only) is read in
// today's shape (with a category, effective when recorded) by every reader — fold, timeline, feed —
// and never rewritten.
import { getServices } from "@/lib/application/services";
import { feedShowsEverything } from "@/lib/testing/projections";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userStreamId } from "@/lib/domain/users";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { createEventStore } from "@/lib/eventstore";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";

describe.each(testBackends())("upcasting old events on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("reads a version 1 deactivation as today's version everywhere, and leaves the stored event as it was", async () => {
    const user = (await api.post("/api/users", newUserInput())).body;
    const database = await getDatabase();
    // Written as a release before schema version 2 wrote it: straight to the log, in the old shape.
    const legacyStore = createEventStore(database);
    await legacyStore.appendToStream(
      userStreamId(user.id),
      [{ type: "user.deactivated", data: { reason: "moved away" }, metadata: { schemaVersion: 1 } }],
      { expectedVersion: 1, metadata: { actor: "release-0.9" } },
    );

    // Folded from the stream (the users table was not told: this append bypassed the application).
    const folded = (await api.get(`/api/users/${user.id}?version=2`)).body;
    expect(folded).toMatchObject({ status: "deactivated", version: 2 });
    const events = (await api.get(`/api/users/${user.id}/events`)).body.items;
    expect(events[1]).toMatchObject({
      type: "user.deactivated",
      data: { reason: "moved away", category: "unspecified", effectiveAt: events[1].recordedAt },
      metadata: { schemaVersion: 1, actor: "release-0.9" },
    });
    const { database: db } = await getServices();
    await feedShowsEverything(db);
    const feed = (await api.get(`/api/events?after=${events[1].position - 1}&limit=1`)).body.items;
    expect(feed[0].data).toEqual({ reason: "moved away", category: "unspecified", effectiveAt: events[1].recordedAt });
    const [stored] = await database.query<{ data: unknown }>(
      "SELECT data FROM events WHERE stream_id = $1 AND version = 2",
      [userStreamId(user.id)],
    );
    expect(stored!.data).toEqual({ reason: "moved away" });

    // The domain goes on from the upcast state; new deactivations are written in version 3.
    expect((await api.post(`/api/users/${user.id}/reactivate`, {}, { headers: { "if-match": '"2"' } })).status).toBe(
      200,
    );
    expect((await api.post(`/api/users/${user.id}/deactivate`, { reason: "spam", category: "policy" })).status).toBe(
      200,
    );
    const latest = (await api.get(`/api/users/${user.id}/events`)).body.items.at(-1);
    expect(latest).toMatchObject({ data: { reason: "spam", category: "policy" }, metadata: { schemaVersion: 3 } });
    expect((await api.post(`/api/users/${user.id}/reactivate`, {})).status).toBe(200);
    expect((await api.post(`/api/users/${user.id}/deactivate`, { reason: "x", category: "unspecified" })).status).toBe(
      400,
    );
  });
});
