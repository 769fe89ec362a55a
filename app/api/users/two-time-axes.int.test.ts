// Two time axes through the API: a change reported late (effectiveAt in the past) is recorded now,
// takes effect then, and each GET point — at, at+knownAt, knownAt, version — shows its own view;
// today's user (the users table) stays effective now, known now.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { feedShowsEverything } from "@/lib/testing/projections";

const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testBackends())("two time axes on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  /** A user renamed to "June" (recorded), then renamed to "March" reported late, effective in between. */
  async function userWithALateRename() {
    const user = (await api.post("/api/users", newUserInput({ name: "Ada" }))).body;
    await pause(20);
    const june = (await api.post(`/api/users/${user.id}/rename`, { name: "June" })).body;
    await pause(20);
    const march = later(user.createdAt, 10);
    const answer = await api.post(`/api/users/${user.id}/rename`, { name: "March", effectiveAt: march });
    const events = (await api.get(`/api/users/${user.id}/events`)).body.items;
    return { user, june, march, answer, events };
  }

  it("records a late rename effective then, without changing today's name", async () => {
    const { user, june, march, answer, events } = await userWithALateRename();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: "June", version: 3 });
    expect(answer.headers.get("etag")).toBe('"3"');
    expect(events[2]).toMatchObject({
      type: "user.renamed",
      data: { name: "March", previousName: "Ada", effectiveAt: march },
    });
    expect(events[1].data.effectiveAt).toBe(events[1].recordedAt);
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({ name: "June", version: 3 });
    const listed = (await api.get(`/api/users?q=${encodeURIComponent(user.email)}`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ id: user.id, name: "June" })]);

    const get = async (query: string) => (await api.get(`/api/users/${user.id}?${query}`)).body;
    const betweenRenames = later(march, 1);
    // The log keeps microseconds, the API shows milliseconds: "known at the June rename" is 1 ms after it shows.
    const knownAtJune = later(june.updatedAt, 1);
    // Effective between the two renames, as known now: the late rename counts.
    expect(await get(`at=${betweenRenames}`)).toMatchObject({ name: "March", version: 3 });
    // As known before it was reported: it does not.
    expect(await get(`at=${betweenRenames}&knownAt=${knownAtJune}`)).toMatchObject({ name: "Ada", version: 1 });
    // What Rewind showed then, on both axes at once, and right after each version.
    expect(await get(`knownAt=${knownAtJune}`)).toMatchObject({ name: "June", version: 2 });
    expect(await get("version=2")).toMatchObject({ name: "June", version: 2 });
    expect(await get("version=3")).toMatchObject({ name: "June", version: 3 });
    expect(await get(`at=${events[2].recordedAt}`)).toMatchObject({ name: "June" });
    expect((await api.get(`/api/users/${user.id}?at=${later(user.createdAt, -1)}`)).status).toBe(404);
  });

  it("lists users on both axes: effective at, as known now or at knownAt, and knownAt alone; malformed instants are a 400", async () => {
    const { user, june, march } = await userWithALateRename();
    const listed = async (query: string) =>
      (await api.get(`/api/users?q=${encodeURIComponent(user.email)}&${query}`)).body as {
        items: { name: string; version: number }[];
        total: number;
      };
    const betweenRenames = later(march, 1);
    const knownAtJune = later(june.updatedAt, 1);
    expect((await listed(`at=${betweenRenames}`)).items).toEqual([
      expect.objectContaining({ name: "March", version: 3 }),
    ]);
    expect((await listed(`at=${betweenRenames}&knownAt=${knownAtJune}`)).items).toEqual([
      expect.objectContaining({ name: "Ada", version: 1 }),
    ]);
    expect((await listed(`knownAt=${knownAtJune}`)).items).toEqual([
      expect.objectContaining({ name: "June", version: 2 }),
    ]);
    // Effective after what was known: what was known then.
    expect((await listed(`at=${new Date().toISOString()}&knownAt=${knownAtJune}`)).items).toEqual([
      expect.objectContaining({ name: "June", version: 2 }),
    ]);
    expect(await listed(`at=${later(user.createdAt, -1)}`)).toMatchObject({ items: [], total: 0 });
    for (const knownAt of ["1 March", "2025-03-01", "10000-01-01T00:00:00Z"]) {
      const response = await api.get(`/api/users?knownAt=${encodeURIComponent(knownAt)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(response.body.errors[0].path).toBe("knownAt");
    }
  });

  it("shows effectiveAt wherever events appear: the user's events, the feed, the audit trail, the export", async () => {
    const { user, march, events } = await userWithALateRename();
    const late = events[2];
    const { database } = await getServices();
    await feedShowsEverything(database);
    const feed = (await api.get(`/api/events?after=${late.position - 1}&limit=1`)).body.items;
    expect(feed[0].data.effectiveAt).toBe(march);
    const audit = (await api.get(`/api/audit?from=${user.createdAt}&limit=200`)).body.items;
    expect(audit.find((event: { position: number }) => event.position === late.position).data.effectiveAt).toBe(march);
    const exported = (await api.get(`/api/users/${user.id}/export`)).body;
    expect(exported.events.map((event: { data: { effectiveAt: string } }) => event.data.effectiveAt)).toEqual(
      events.map((event: { data: { effectiveAt: string } }) => event.data.effectiveAt),
    );
    expect(exported.events[2].data.effectiveAt).toBe(march);
  });

  it("refuses a future, malformed or pre-registration effectiveAt, and a backdating that breaks the history; nothing changes", async () => {
    const { user, march } = await userWithALateRename();
    const rename = (effectiveAt: string) => api.post(`/api/users/${user.id}/rename`, { name: "Other", effectiveAt });
    const future = await rename(new Date(Date.now() + 60_000).toISOString());
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([{ path: "effectiveAt", message: "Must not lie in the future" }]);
    expect((await rename("1 March")).status).toBe(400);
    expect((await rename("2025-03-01")).status).toBe(400);
    const early = await rename(later(user.createdAt, -1));
    expect(early.status).toBe(409);
    expect(early.body.type).toMatch(/effective.before.registration$/);
    // Deactivated from just after the registration, the user could not have been renamed later on.
    const deactivation = await api.post(`/api/users/${user.id}/deactivate`, {
      reason: "left",
      effectiveAt: later(march, -5),
    });
    expect(deactivation.status).toBe(409);
    expect(deactivation.body.type).toMatch(/effective.history.conflict$/);
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({ name: "June", status: "active", version: 3 });
  });

  it("renames a user deactivated today as of a time they were active, and takes a correction at the wrong one's instant", async () => {
    const { user, march } = await userWithALateRename();
    expect((await api.post(`/api/users/${user.id}/deactivate`, { reason: "left" })).status).toBe(200);
    const correction = await api.post(`/api/users/${user.id}/rename`, { name: "Marche", effectiveAt: march });
    expect(correction.status).toBe(200);
    expect(correction.body).toMatchObject({ name: "June", status: "deactivated", version: 5 });
    expect((await api.get(`/api/users/${user.id}?at=${march}`)).body).toMatchObject({ name: "Marche", version: 5 });
    const events = (await api.get(`/api/users/${user.id}/events`)).body.items;
    expect(events[4].data).toMatchObject({ name: "Marche", previousName: "March", effectiveAt: march });
  });
});
