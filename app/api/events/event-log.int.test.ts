// GET /api/events?order=desc: the log newest first, filtered by type, actor, stream, period and a
// starting position, paged by cursor — each page checked against the events table itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { api, newUserInput, tokenWithScopes } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";

interface Item {
  position: number;
  streamId: string;
  type: string;
  recordedAt: string;
  metadata: { actor?: string };
  data: Record<string, unknown>;
}

/** Every page of a listing, followed through nextCursor (which replaces a starting position). */
async function readAllPages(query: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const filters = cursor ? query.replace(/(^|&)position=\d+/, "") : query;
    const page: { status: number; body: { items: Item[]; nextCursor: string | null } } = await api.get(
      `/api/events?order=desc&limit=${limit}${filters ? `&${filters}` : ""}${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The positions the events table holds for this condition, newest first. */
async function positionsInTable(where: string, values: unknown[]): Promise<number[]> {
  const database = await getDatabase();
  const rows = await database.query<{ position: number }>(
    `SELECT position FROM events WHERE ${where} ORDER BY recorded_at DESC, position DESC`,
    values,
  );
  return rows.map((row) => Number(row.position));
}

describe.each(testBackends())("the event log newest first on $name", (backend) => {
  let userId: string;
  let otherActor: string;
  let middle: Date;

  beforeAll(async () => {
    provideDatabase(await backend.open());
    userId = (await api.post("/api/users", newUserInput())).body.id;
    await api.post(`/api/users/${userId}/rename`, { name: "Renamed Once" });
    await api.post(`/api/users/${userId}/rename`, { name: "Renamed Twice" });
    middle = new Date();
    await new Promise((done) => setTimeout(done, 5));
    const other = await tokenWithScopes(["read", "write"], "second service");
    otherActor = (await api.get("/api/auth/session", { headers: other.headers })).body.actor;
    const second = (await api.post("/api/users", newUserInput(), { headers: other.headers })).body.id;
    await api.post(`/api/users/${second}/rename`, { name: "Renamed By Other" }, { headers: other.headers });
    await api.post(`/api/users/${userId}/deactivate`, { reason: "left" });
    // Three events in one append: one transaction, one recorded_at to the microsecond.
    const { store } = await getServices();
    await store.appendToStream(
      "probe-1",
      [1, 2, 3].map((n) => ({ type: "probe.recorded", data: { n } })),
      { expectedVersion: "no_stream" },
    );
  });
  afterAll(() => closeDatabase());

  it("lists every event newest first, in pages that together hold each once — even events recorded in one instant", async () => {
    const all = await readAllPages("", 2);
    expect(all.map((item) => item.position)).toEqual(await positionsInTable("true", []));
    expect(all.slice(0, 3).map((item) => item.data.n)).toEqual([3, 2, 1]);
  });

  it.each([
    ["type=user.renamed", "type = $1", () => ["user.renamed"]],
    ["actor", "metadata->>'actor' = $1", () => [otherActor]],
    ["stream", "stream_id = $1", () => [`user-${userId}`]],
    ["from", "recorded_at >= $1", () => [middle]],
    ["to", "recorded_at < $1", () => [middle]],
  ] as const)("filters by %s exactly as the table says", async (label, where, values) => {
    const [value] = values();
    const query =
      label === "actor"
        ? `actor=${encodeURIComponent(otherActor)}`
        : label === "stream"
          ? `stream=user-${userId}`
          : label === "from"
            ? `from=${middle.toISOString()}`
            : label === "to"
              ? `to=${middle.toISOString()}`
              : label;
    const expected = await positionsInTable(where, [value]);
    expect(expected.length).toBeGreaterThan(0);
    expect((await readAllPages(query, 2)).map((item) => item.position)).toEqual(expected);
  });

  it("combines filters", async () => {
    const items = await readAllPages(`type=user.renamed&stream=user-${userId}&to=${middle.toISOString()}`, 10);
    expect(items.map((item) => item.position)).toEqual(
      await positionsInTable("type = 'user.renamed' AND stream_id = $1 AND recorded_at < $2", [
        `user-${userId}`,
        middle,
      ]),
    );
    expect(items).toHaveLength(2);
  });

  it("starts at a position: that event first, then what was recorded before it", async () => {
    const all = await readAllPages("", 100);
    const start = all[4]!;
    expect((await readAllPages(`position=${start.position}`, 3)).map((item) => item.position)).toEqual(
      all.slice(4).map((item) => item.position),
    );
    const unknown = await api.get(`/api/events?order=desc&position=${all[0]!.position + 1000}`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect(unknown.body.type).toMatch(/unknown-position$/);
  });

  it("shows each event exactly as the feed does (names decrypted, password hashes redacted)", async () => {
    const listed = await readAllPages("", 1000);
    // The feed holds back what follows a transaction still in flight anywhere on the server (other
    // tests' databases too), never skipping it: wait until it has caught up with the listed events.
    let feed: Item[] = [];
    for (let attempt = 0; attempt < 100 && feed.length < listed.length; attempt++) {
      if (attempt > 0) await new Promise((resume) => setTimeout(resume, 100));
      feed = (await api.get("/api/events?limit=1000")).body.items as Item[];
    }
    expect([...listed].sort((a, b) => a.position - b.position)).toEqual(
      [...feed].sort((a, b) => a.position - b.position),
    );
    const registration = listed.find((item) => item.type === "user.registered" && item.streamId === `user-${userId}`)!;
    expect(registration.data.passwordHash).toBe(
      feed.find((item) => item.position === registration.position)!.data.passwordHash,
    );
    expect(JSON.stringify(registration.data)).not.toMatch(/\$argon2|scrypt/);
  });

  it("keeps the feed as it was without order=desc", async () => {
    const page = await api.get("/api/events?after=0&limit=3");
    expect(page.status).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(["items", "nextAfter"]);
    expect(page.body.nextAfter).toBe(page.body.items[2].position);
  });

  it("refuses a cursor it did not issue, even one that decodes", async () => {
    const first = (await api.get("/api/events?order=desc&limit=1")).body;
    const [recordedAt, position] = JSON.parse(Buffer.from(first.nextCursor, "base64url").toString("utf8"));
    const tampered = [
      Buffer.from(JSON.stringify([recordedAt.slice(0, 23) + "Z", position])).toString("base64url"),
      Buffer.from(JSON.stringify([recordedAt, 0])).toString("base64url"),
      Buffer.from(JSON.stringify([recordedAt.replace(/^\d{4}/, "1969"), position])).toString("base64url"),
      Buffer.from(JSON.stringify([recordedAt, position]) + " ").toString("base64url"),
      `${first.nextCursor}=`,
    ];
    for (const cursor of tampered) {
      const response = await api.get(`/api/events?order=desc&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status, cursor).toBe(400);
    }
  });

  it.each([
    "order=sideways",
    "type=user.renamed",
    "actor=admin:x",
    "position=3",
    "cursor=abc",
    "from=2025-01-01T00:00:00Z",
    "order=desc&after=3",
    "order=desc&type=Not%20A%20Type",
    "order=desc&type=" + "a.b".repeat(40),
    "order=desc&actor=%01admin",
    "order=desc&actor=%20",
    "order=desc&stream=%20",
    "order=desc&stream=user-%00",
    "order=desc&position=0",
    "order=desc&position=-1",
    "order=desc&position=1e3",
    "order=desc&position=1&cursor=abc",
    "order=desc&cursor=nonsense",
    "order=desc&from=yesterday",
    "order=desc&from=1969-12-31T23:59:59Z",
    "order=desc&from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z",
    "order=desc&from=2025-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
    "order=desc&limit=0",
    "order=desc&limit=1001",
    "order=desc&type=user.renamed&type=user.registered",
    "order=desc&other=1",
  ])("refuses %s with 400 problem+json", async (query) => {
    const response = await api.get(`/api/events?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
