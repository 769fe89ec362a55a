// Bad input that once reached PostgreSQL and came back as a 500: control characters and lone
// surrogates in text, cursors the server never issued, instants PostgreSQL cannot hold. Each is a
// 400 with problem+json now, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api, call, newUserInput, type ApiResponse } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

function expectProblem(response: ApiResponse, status = 400) {
  expect({ status: response.status, body: response.body }).toMatchObject({ status, body: { status } });
  expect(response.headers.get("content-type")).toBe("application/problem+json");
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A JSON body sent as written: `\ud800` stays an escape, the only way a lone surrogate travels over HTTP. */
const rawJson = (path: string, json: string, headers: Record<string, string> = {}) =>
  call("POST", path, { rawBody: json, headers: { "content-type": "application/json", ...headers } });

const badCharacters = [
  ["NUL", "\u0000"],
  ["a C0 control (BEL)", "\u0007"],
  ["DEL", "\u007f"],
  ["a C1 control (NEL)", "\u0085"],
] as const;

describe.each(testBackends())("bad input on $name", (backend) => {
  let database: TestDatabase;
  const counts = async () =>
    (
      await database.query<{ events: number; users: number; tokens: number }>(
        `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM users) AS users,
                (SELECT count(*)::int FROM api_tokens) AS tokens`,
      )
    )[0]!;
  let user: { id: string; name: string; email: string };
  /** A signed-in admin's cookie and CSRF token: API tokens are made by admins only. */
  let asAdmin: Record<string, string>;

  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
    const admin = { email: `bad-input-${backend.name}@rewind.test`, password: "a long enough admin password" };
    await ensureFirstAdmin(database, { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password });
    const cookies = (await api.post("/api/auth/sign-in", admin, { credentials: "none" })).headers.getSetCookie();
    const cookie = (name: string) => cookies.find((set) => set.startsWith(`${name}=`))!.split(";")[0]!;
    asAdmin = {
      cookie: `${cookie("rewind_session")}; ${cookie("rewind_csrf")}`,
      "x-csrf-token": cookie("rewind_csrf").split("=")[1]!,
    };
    const registered = await api.post("/api/users", newUserInput());
    expect(registered.status).toBe(201);
    user = registered.body;
  });
  afterAll(() => closeDatabase());

  describe("text in bodies: no control characters, no lone surrogates", () => {
    const bodies = (bad: string) =>
      [
        ["register: name", "/api/users", { ...newUserInput(), name: `Ada${bad}Lovelace` }],
        ["register: email", "/api/users", { ...newUserInput(), email: `ada${bad}@example.com` }],
        ["register: reason", "/api/users", { ...newUserInput(), reason: `because${bad}` }],
        ["rename", `/api/users/${user.id}/rename`, { name: `Ada${bad}` }],
        ["change-email", `/api/users/${user.id}/change-email`, { email: `x${bad}y@example.com` }],
        [
          "change-password: reason",
          `/api/users/${user.id}/change-password`,
          { password: "a long password", reason: `why${bad}` },
        ],
        ["deactivate: reason", `/api/users/${user.id}/deactivate`, { reason: `left${bad}` }],
        ["reactivate: reason", `/api/users/${user.id}/reactivate`, { reason: `back${bad}` }],
        ["forget: reason", `/api/users/${user.id}/forget`, { reason: `asked${bad}` }],
        ["a token's name", "/api/tokens", { name: `billing${bad}`, scopes: ["read"] }],
      ] as const;
    const headersFor = (path: string) => (path === "/api/tokens" ? asAdmin : {});

    it.each(badCharacters)("refuses %s in every text field with 400, changing nothing", async (_, bad) => {
      const before = await counts();
      for (const [what, path, body] of bodies(bad)) {
        const response = await api.post(path, body, { headers: headersFor(path) });
        expect({ what, status: response.status }).toEqual({ what, status: 400 });
        expectProblem(response);
        expect(response.body.errors).toEqual([
          expect.objectContaining({ message: expect.stringMatching(/control character/) }),
        ]);
      }
      expect(await counts()).toEqual(before);
    });

    it.each(badCharacters)(
      "refuses %s in every text field of a dry run with 400, as the command does",
      async (_, bad) => {
        const before = await counts();
        const report = { name: `Per month${bad}`, eventTypes: ["user.deactivated"], count: "events", period: "month" };
        for (const [what, path, body] of [
          ...bodies(bad),
          ["a saved report's name", "/api/reports/definitions", report] as const,
        ]) {
          const response = await api.post(`${path}?dryRun=true`, body, { headers: headersFor(path) });
          expect({ what, status: response.status }).toEqual({ what, status: 400 });
          expectProblem(response);
        }
        expect(await counts()).toEqual(before);
      },
    );

    it("refuses a lone surrogate with 400 (it would be stored as U+FFFD, so two inputs could become one)", async () => {
      const before = await counts();
      const password = JSON.stringify("a long password");
      for (const [path, json] of [
        ["/api/users", `{"name":"Sur\\ud800","email":"sur@example.com","password":${password}}`],
        ["/api/users", `{"name":"Sur","email":"sur\\ud800@example.com","password":${password}}`],
        ["/api/users", `{"name":"Sur","email":"sur\\udc00@example.com","password":${password}}`],
        ["/api/users", `{"name":"Sur","email":"sur@example.com","password":"a long password\\ud800"}`],
        [`/api/users/${user.id}/rename`, `{"name":"\\udfff Sur"}`],
        [`/api/users/${user.id}/change-email`, `{"email":"sur\\ud800@example.com"}`],
        [`/api/users/${user.id}/deactivate`, `{"reason":"\\ud83d"}`],
        ["/api/tokens", `{"name":"svc\\ud800","scopes":["read"]}`],
      ]) {
        const response = await rawJson(path!, json!, headersFor(path!));
        expect({ path, json, status: response.status }).toEqual({ path, json, status: 400 });
        expectProblem(response);
        expect(response.body.errors).toEqual([
          expect.objectContaining({ message: expect.stringMatching(/surrogate/) }),
        ]);
      }
      expect(await counts()).toEqual(before);
    });

    it("takes a well-formed surrogate pair (an emoji) and line breaks in a reason", async () => {
      const registered = await rawJson(
        "/api/users",
        JSON.stringify({ ...newUserInput(), name: "Rocket \ud83d\ude80" }),
      );
      expect(registered.status).toBe(201);
      expect(registered.body.name).toBe("Rocket 🚀");
      const deactivated = await api.post(`/api/users/${registered.body.id}/deactivate`, {
        reason: "Asked by phone.\nConfirmed by email.",
      });
      expect(deactivated.status).toBe(200);
    });

    it("refuses NUL in a sign-in email with 400", async () => {
      const response = await api.post(
        "/api/auth/sign-in",
        { email: "admin\u0000@rewind.test", password: "whatever it is" },
        { credentials: "none" },
      );
      expectProblem(response);
    });
  });

  describe("Unicode normalisation (NFC)", () => {
    it("stores a name typed as e + combining acute as the single character é", async () => {
      const registered = await api.post("/api/users", newUserInput({ name: "Rene\u0301 Descartes" }));
      expect(registered.status).toBe(201);
      expect(registered.body.name).toBe("Ren\u00e9 Descartes");
      const [row] = await database.query<{ name: string }>("SELECT name FROM users WHERE id = $1", [
        registered.body.id,
      ]);
      expect(row!.name).toBe("Ren\u00e9 Descartes");
      const renamed = await api.post(`/api/users/${registered.body.id}/rename`, { name: "Zoe\u0308" });
      expect(renamed.body.name).toBe("Zo\u00eb");
    });

    it("takes two emails that differ only in normalisation as the same email", async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const composed = await api.post("/api/users", newUserInput({ email: `jos\u00e9-${tag}@example.com` }));
      expect(composed.status).toBe(201);
      const decomposed = await api.post("/api/users", newUserInput({ email: `jose\u0301-${tag}@example.com` }));
      expectProblem(decomposed, 409);
      expect(decomposed.body.type).toMatch(/email-taken$/);
    });

    it("finds a user by a search typed in the other normal form", async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      await api.post("/api/users", newUserInput({ name: `Ame\u0301lie ${tag}` }));
      const found = await api.get(`/api/users?q=${encodeURIComponent(`Am\u00e9lie ${tag}`)}`);
      expect(found.status).toBe(200);
      expect(found.body.items.map((item: { name: string }) => item.name)).toEqual([`Am\u00e9lie ${tag}`]);
    });
  });

  describe("query filters", () => {
    it.each([
      ["/api/users?q=%00"],
      ["/api/users?q=a%07b"],
      ["/api/users?q=%C2%85"],
      ["/api/users?at=2026-01-01T00:00:00Z&q=%00"],
      ["/api/audit?actor=%00"],
      ["/api/audit?actor=admin%3A%1Bx"],
    ])("%s → 400", async (path) => {
      expectProblem(await api.get(path));
    });
  });

  describe("cursors the server did not issue", () => {
    const uuid = "6f1c1c2e-8d6e-4b8e-9a43-2f5f0f6d1c11";
    it.each([
      ["a year 0 date", ["0000-01-01T00:00:00Z", uuid]],
      ["the earliest JavaScript date", ["-271821-04-20T00:00:00.000Z", uuid]],
      ["the latest JavaScript date", ["+275760-09-13T00:00:00.000Z", uuid]],
      ["a date that is not ISO", ["Jan 1 2026", uuid]],
      ["a non-UUID id", ["2026-01-01T00:00:00.000Z", "------------------------------------"]],
      ["an id in upper case", ["2026-01-01T00:00:00.000Z", uuid.toUpperCase()]],
      ["a third element", ["2026-01-01T00:00:00.000Z", uuid, 1]],
      ["an object", { createdAt: "2026-01-01T00:00:00.000Z", id: uuid }],
    ])("users list: %s → 400", async (_, position) => {
      for (const at of ["", "&at=2026-06-01T00:00:00Z"]) {
        const response = await api.get(`/api/users?cursor=${base64url(position)}${at}`);
        expectProblem(response);
        expect(response.body.errors).toEqual([{ path: "cursor", message: "Not a cursor this API returned" }]);
      }
    });

    it.each([
      ["a year 0 date", ["0000-01-01T00:00:00Z", 5]],
      ["the earliest JavaScript date", ["-271821-04-20T00:00:00.000Z", 5]],
      ["a date that is not ISO", ["1", 5]],
      ["a position past bigint", ["2026-01-01T00:00:00.000Z", 2 ** 53 + 2]],
      ["a negative position", ["2026-01-01T00:00:00.000Z", -1]],
      ["a fractional position", ["2026-01-01T00:00:00.000Z", 1.5]],
    ])("audit trail: %s → 400", async (_, position) => {
      const response = await api.get(`/api/audit?cursor=${base64url(position)}`);
      expectProblem(response);
      expect(response.body.errors).toEqual([{ path: "cursor", message: "Not a cursor this API returned" }]);
    });

    it("still pages with the cursors it issued", async () => {
      for (let i = 0; i < 3; i++) expect((await api.post("/api/users", newUserInput())).status).toBe(201);
      const first = await api.get("/api/users?limit=2");
      const second = await api.get(`/api/users?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.status).toBe(200);
      expect(second.body.items[0].id).not.toBe(first.body.items[1].id);
      const audit = await api.get("/api/audit?limit=2");
      expect((await api.get(`/api/audit?limit=2&cursor=${audit.body.nextCursor}`)).status).toBe(200);
    });

    it.each([["/api/events?after=999999999999999"], ["/api/events/stream?after=999999999999999"]])(
      "feed: a position it never gave (%s) → 400",
      async (path) => {
        expectProblem(await api.get(path));
      },
    );
  });

  describe("instants: 1970-01-01 up to the end of 9999, else 400", () => {
    const routes = (low: string, lowDay: string) => [
      `/api/users?at=${low}`,
      `/api/users?knownAt=${low}`,
      `/api/users?at=2026-01-01T00:00:00Z&knownAt=${low}`,
      `/api/users/${user.id}?at=${low}`,
      `/api/audit?from=${low}`,
      `/api/audit?to=${low}`,
      `/api/reports/name-changes?from=${low}`,
      `/api/reports/name-changes?from=${lowDay}&to=${lowDay.replace(/^\d{4}/, (year) => String(Number(year) + 1).padStart(4, "0"))}`,
      `/api/reports/name-changes?asOf=${low}`,
      `/api/reports/activity?asOf=${low}`,
      `/api/reports/activity?from=${lowDay}&to=${lowDay.replace(/^\d{4}/, (year) => String(Number(year) + 1).padStart(4, "0"))}`,
    ];

    it.each([
      ["year 0", "0000-01-01T00:00:00Z", "0000-01-01"],
      ["just before 1970", "1969-12-31T23:59:59.999Z", "1969-01-01"],
    ])("refuses %s on every route that takes an instant", async (_, low, lowDay) => {
      for (const path of routes(low, lowDay)) {
        const response = await api.get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expectProblem(response);
        expect(response.body.errors.map((error: { message: string }) => error.message).join()).toMatch(/1970/);
      }
    });

    it.each([
      ["year 0", "0000-01-01T00:00:00Z"],
      ["just before 1970", "1969-12-31T23:59:59.999Z"],
      ["year 10000", "+010000-01-01T00:00:00Z"],
      ["not an instant", "2026-02-30T00:00:00Z"],
    ])("refuses %s as the point of a dry run, on users and saved reports", async (_, instant) => {
      const report = { name: "Dry points", eventTypes: ["user.deactivated"], count: "events", period: "month" };
      const saved = await api.post("/api/reports/definitions", report);
      expect(saved.status).toBe(201);
      for (const [method, path, body] of [
        ["POST", `/api/users/${user.id}/rename`, { name: "Never" }],
        ["PUT", `/api/reports/definitions/${saved.body.id}`, report],
        ["DELETE", `/api/reports/definitions/${saved.body.id}`, undefined],
      ] as const) {
        const response = await call(method, `${path}?dryRun=true&at=${encodeURIComponent(instant)}`, { body });
        expect({ path, method, status: response.status }).toEqual({ path, method, status: 400 });
        expectProblem(response);
      }
      expect((await call("DELETE", `/api/reports/definitions/${saved.body.id}`)).status).toBe(204);
    });

    it("takes the ends of the range", async () => {
      for (const path of [
        "/api/users?at=1970-01-01T00:00:00Z",
        "/api/users?at=9999-12-31T23:59:59.999Z&knownAt=9999-12-31T23:59:59.999Z",
        "/api/users?knownAt=1970-01-01T00:00:00Z",
        `/api/audit?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z`,
        "/api/reports/name-changes?from=1970-01-01&to=1979-12-31",
        "/api/reports/activity?from=9990-01-01&to=9999-12-31&asOf=9999-12-31T23:59:59Z",
      ]) {
        const response = await api.get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
      }
    });
  });
});
