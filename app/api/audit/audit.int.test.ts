// The audit trail: every event says who, when, why and in which request; GET /api/audit lists
// what one actor did in a period, page by page, including what admins did to Rewind itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { api, call, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";

describe.each(testBackends())("audit trail on $name", (backend) => {
  const email = `auditor-${backend.name}@rewind.test`;
  const password = "auditor password, long enough";
  let session: Record<string, string>;

  beforeAll(async () => {
    provideDatabase(await backend.open());
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: email, ADMIN_PASSWORD: password });
    const signedIn = await api.post(
      "/api/auth/sign-in",
      { email, password },
      { credentials: "none", headers: { "x-correlation-id": "sign-in-1" } },
    );
    expect(signedIn.status).toBe(200);
    const cookies = signedIn.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
    session = {
      cookie: cookies.join("; "),
      "x-csrf-token": cookies.find((cookie) => cookie.startsWith("rewind_csrf="))!.slice("rewind_csrf=".length),
    };
  });
  afterAll(() => closeDatabase());

  it("records who, why and which request on each event, and the timeline API shows it", async () => {
    const user = (
      await api.post(
        "/api/users",
        { ...newUserInput(), reason: "ticket HR-12" },
        { headers: { ...session, "x-correlation-id": "req-1" } },
      )
    ).body;
    await api.post(
      `/api/users/${user.id}/rename`,
      { name: "Renamed For Audit", reason: "  legal name change  " },
      { headers: session },
    );
    await api.post(`/api/users/${user.id}/deactivate`, { reason: "left the company" }, { headers: session });
    await api.post(`/api/users/${user.id}/reactivate`, {}, { headers: session });
    const { items } = (await api.get(`/api/users/${user.id}/events`, { headers: session })).body;
    expect(items.map((event: { metadata: { reason?: string } }) => event.metadata.reason)).toEqual([
      "ticket HR-12",
      "legal name change",
      "left the company",
      undefined,
    ]);
    for (const event of items) {
      expect(event.metadata).toMatchObject({
        actor: `admin:${email}`,
        correlationId: expect.any(String),
        causationId: expect.any(String),
      });
      expect(event.recordedAt).toEqual(expect.any(String));
    }
    expect(items[0].metadata.correlationId).toBe("req-1");
    expect(
      (await api.post(`/api/users/${user.id}/rename`, { name: "X", reason: "r".repeat(501) }, { headers: session }))
        .status,
    ).toBe(400);
  });

  it("lists one actor's actions newest first, in pages that together hold each exactly once", async () => {
    const mine = [];
    for (let i = 0; i < 7; i++) mine.push((await api.post("/api/users", newUserInput(), { headers: session })).body.id);
    // Another actor's work (the test API token) stays out of this admin's trail.
    await api.post("/api/users", newUserInput());

    const seen: { position: number; recordedAt: string; metadata: { actor: string } }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: typeof seen; nextCursor: string | null } } = await api.get(
        `/api/audit?actor=${encodeURIComponent(`admin:${email}`)}&limit=3${cursor ? `&cursor=${cursor}` : ""}`,
        { headers: session },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.every((event) => event.metadata.actor === `admin:${email}`)).toBe(true);
    expect(new Set(seen.map((event) => event.position)).size).toBe(seen.length);
    const newestFirst = [...seen].sort((a, b) =>
      a.recordedAt === b.recordedAt ? b.position - a.position : a.recordedAt < b.recordedAt ? 1 : -1,
    );
    expect(seen).toEqual(newestFirst);
    const database = await getDatabase();
    const [{ count }] = (await database.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM events WHERE metadata->>'actor' = $1",
      [`admin:${email}`],
    )) as [{ count: number }];
    expect(seen.length).toBe(count);
    // Names read in clear, as everywhere else (they are encrypted in the log).
    const registration = seen.find(
      (event) => (event as unknown as { type: string }).type === "user.registered",
    ) as unknown as {
      data: { name: string; email: string };
    };
    expect(registration.data.name).toMatch(/^Test User \d+$/);
    expect(registration.data.email).toMatch(/@example\.com$/);
    // The sign-in itself is in the trail.
    expect(seen.some((event) => (event as unknown as { type: string }).type === "admin.signed_in")).toBe(true);
  });

  it("filters by period, and records token creation and revocation as admin actions", async () => {
    const before = new Date();
    await new Promise((done) => setTimeout(done, 5));
    const created = (await api.post("/api/tokens", { name: "audited", scopes: ["read"] }, { headers: session })).body;
    await api.post(`/api/tokens/${created.id}/revoke`, undefined, { headers: session });
    const { items } = (
      await api.get(`/api/audit?actor=admin:${encodeURIComponent(email)}&from=${before.toISOString()}`, {
        headers: session,
      })
    ).body;
    expect(items.map((event: { type: string; data: { name?: string } }) => [event.type, event.data.name])).toEqual([
      ["admin.api_token_revoked", "audited"],
      ["admin.api_token_created", "audited"],
    ]);
    const empty = (
      await api.get(`/api/audit?to=${before.toISOString()}&from=${new Date(before.getTime() - 1).toISOString()}`, {
        headers: session,
      })
    ).body;
    expect(empty.items).toEqual([]);
  });

  it("records who defined, changed and deleted a saved report, with its definition", async () => {
    const before = new Date();
    await new Promise((done) => setTimeout(done, 5));
    const definition = {
      name: "Audited report",
      eventTypes: ["user.deactivated"],
      count: "events",
      period: "month",
      groupBy: "data.category",
    };
    const saved = await api.post("/api/reports/definitions", definition, {
      headers: { ...session, "x-correlation-id": "report-define-1" },
    });
    expect(saved.status).toBe(201);
    const id = (saved.body as { id: number }).id;
    expect(
      (await api.put(`/api/reports/definitions/${id}`, { ...definition, period: "week" }, { headers: session })).status,
    ).toBe(200);
    expect((await call("DELETE", `/api/reports/definitions/${id}`, { headers: session })).status).toBe(204);

    const { items } = (
      await api.get(`/api/audit?actor=admin:${encodeURIComponent(email)}&from=${before.toISOString()}`, {
        headers: session,
      })
    ).body;
    type Entry = { type: string; streamId: string; data: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(items.map((event: Entry) => [event.type, event.streamId, event.data.name])).toEqual([
      ["report.deleted", `report-${id}`, "Audited report"],
      ["report.redefined", `report-${id}`, "Audited report"],
      ["report.defined", `report-${id}`, "Audited report"],
    ]);
    const [, redefined, defined] = items as Entry[];
    expect(defined!.data).toMatchObject({ reportId: id, revision: 1, definition: { period: "month" } });
    expect(defined!.metadata.correlationId).toBe("report-define-1");
    expect(redefined!.data).toMatchObject({ reportId: id, revision: 2, definition: { period: "week" } });
  });

  it("downloads the whole trail of an actor as CSV, every cell that could run as a formula neutralised", async () => {
    const user = (await api.post("/api/users", newUserInput(), { headers: session })).body;
    await api.post(
      `/api/users/${user.id}/rename`,
      { name: "Formula Reason", reason: '=HYPERLINK("http://evil.example")' },
      { headers: session },
    );
    const actor = encodeURIComponent(`admin:${email}`);
    const entries = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { position: number }[]; nextCursor: string | null } } = await api.get(
        `/api/audit?actor=${actor}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
        { headers: session },
      );
      entries.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);

    const response = await api.get(`/api/audit?actor=${actor}&format=csv&limit=1`, { headers: session });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = response.text
      .replace(/^\uFEFF/, "")
      .split("\r\n")
      .slice(0, -1);
    expect(lines[0]).toBe("recorded_at,actor,type,stream,version,position,reason,correlation_id,data");
    // One line per entry (no cell here holds a line break), in the same order as the pages.
    expect(lines.slice(1).map((line) => Number(line.split(",")[5]))).toEqual(entries.map((entry) => entry.position));
    const rename = lines.find((line) => line.includes("user.renamed") && line.includes(`user-${user.id}`))!;
    expect(rename).toContain(`,"'=HYPERLINK(""http://evil.example"")",`);
    expect(rename).toContain(`,admin:${email},`);
  });

  it.each([
    "from=yesterday",
    "limit=0",
    "limit=201",
    "cursor=nonsense",
    "from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z",
    "other=1",
    "format=xml",
    "format=csv&cursor=abc",
  ])("refuses %s with 400", async (query) => {
    const response = await api.get(`/api/audit?${query}`, { headers: session });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });
});
