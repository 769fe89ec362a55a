import { feedShowsEverything } from "@/lib/testing/projections";
import { getServices } from "@/lib/application/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/application/users/passwords";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api, call, newUserInput, type ApiResponse } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const problemType = "application/problem+json";

function expectProblem(response: ApiResponse, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe(problemType);
  expect(response.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe.each(testBackends())("users API on $name", (backend) => {
  let database: TestDatabase;
  const eventCount = async () => (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM events"))[0]!.n;
  const register = async (overrides = {}) => {
    const response = await api.post("/api/users", newUserInput(overrides));
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string; email: string; version: number; createdAt: string };
  };

  /**
   * Holds the next transaction that code in `file` opens until `release()`: a request caught at a
   * known point, with no sleep. The hold is before the transaction begins, since PGlite runs one
   * transaction at a time (a hold inside one would stop every other request). Only
   * `database.transaction` is wrapped, for as long as the hold lasts.
   */
  const holdTransactionFrom = (file: string) => {
    const transaction = database.transaction.bind(database);
    let reached!: () => void;
    let release!: () => void;
    const isReached = new Promise<void>((done) => (reached = done));
    const released = new Promise<void>((done) => (release = done));
    database.transaction = (async (work: Parameters<typeof transaction>[0]) => {
      if (new Error().stack?.includes(file)) {
        database.transaction = transaction;
        reached();
        await released;
      }
      return transaction.call(database, work);
    }) as typeof transaction;
    return { reached: isReached, release };
  };

  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
  });
  afterAll(() => closeDatabase());

  describe("POST /api/users", () => {
    it("registers a user: 201, Location, ETag, no password anywhere in the answer", async () => {
      const input = newUserInput({ name: "  Grace Hopper ", email: " Grace.Hopper@Example.COM " });
      const response = await api.post("/api/users", input);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: "Grace Hopper",
        email: "grace.hopper@example.com",
        status: "active",
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(response.headers.get("location")).toBe(`/api/users/${response.body.id}`);
      expect(response.headers.get("etag")).toBe('"1"');
      expect(response.text).not.toContain(input.password);
      expect(response.text).not.toContain("scrypt");
    });

    it("refuses invalid fields with every problem listed, and appends nothing", async () => {
      const before = await eventCount();
      const response = await api.post("/api/users", { name: " ", email: "nope", password: "short" });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([
        { path: "name", message: "Name must not be empty" },
        { path: "email", message: "Email must be a valid address like name@example.com" },
        { path: "password", message: "Password must be at least 8 characters" },
      ]);
      expect(await eventCount()).toBe(before);
    });

    it.each([
      ["a missing field", { name: "A", email: "a@b.co" }, 400],
      ["a number for a name", { name: 42, email: "a@b.co", password: "long enough" }, 400],
      ["an unknown field", { ...newUserInput(), admin: true }, 400],
      ["an array", [1, 2], 400],
      ["null", null, 400],
    ])("refuses %s with 400", async (_, body, status) => {
      const before = await eventCount();
      expectProblem(await api.post("/api/users", body), status);
      expect(await eventCount()).toBe(before);
    });

    it("refuses a body that is not JSON (400), not declared JSON (415) or over 64 KiB (413)", async () => {
      const before = await eventCount();
      expectProblem(
        await call("POST", "/api/users", { rawBody: "{name: oops", headers: { "content-type": "application/json" } }),
        400,
      );
      expectProblem(
        await call("POST", "/api/users", {
          rawBody: JSON.stringify(newUserInput()),
          headers: { "content-type": "text/plain" },
        }),
        415,
      );
      expectProblem(await call("POST", "/api/users", { rawBody: JSON.stringify(newUserInput()) }), 415);
      const huge = JSON.stringify({ ...newUserInput(), name: "x".repeat(70_000) });
      expectProblem(
        await call("POST", "/api/users", { rawBody: huge, headers: { "content-type": "application/json" } }),
        413,
      );
      expectProblem(
        await call("POST", "/api/users", {
          rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
          headers: { "content-type": "application/json" },
        }),
        400,
      );
      expect(await eventCount()).toBe(before);
    });

    it("refuses an email another user has, in any case (409)", async () => {
      const first = await register();
      const response = await api.post("/api/users", newUserInput({ email: first.email.toUpperCase() }));
      expectProblem(response, 409);
      expect(response.body.type).toMatch(/email-taken$/);
    });

    it("lets exactly one of simultaneous registrations with one email win", async () => {
      const email = newUserInput().email;
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => api.post("/api/users", newUserInput({ email }))),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      // Emails are encrypted in the log: count the registrations as the store reads them.
      const { store, database: db } = await getServices();
      await feedShowsEverything(db);
      let registered = 0;
      for (let after = 0; ;) {
        const page = await store.readAll({ after, limit: 1000 });
        if (page.events.length === 0) break;
        registered += page.events.filter(
          (event) => event.type === "user.registered" && event.data.email === email,
        ).length;
        after = page.lastPosition;
      }
      expect(registered).toBe(1);
    });

    it("stores the password only as a scrypt hash that verifies", async () => {
      const input = newUserInput();
      const user = await register(input);
      const [row] = await database.query<{ data: { passwordHash: string } }>(
        "SELECT data FROM events WHERE stream_id = $1 AND version = 1",
        [`user-${user.id}`],
      );
      // Sealed with the user's key in the log, like their name (erased when they are forgotten).
      expect(row!.data.passwordHash).toMatch(/^enc:v1:/);
      expect(JSON.stringify(row)).not.toContain(input.password);
      const [registered] = await (await getServices()).store.readStream(`user-${user.id}`, { toVersion: 1 });
      const passwordHash = registered!.data.passwordHash as string;
      expect(passwordHash).toMatch(/^scrypt\$/);
      expect(await verifyPassword(input.password, passwordHash)).toBe(true);
      expect(await verifyPassword("wrong password", passwordHash)).toBe(false);
    });
  });

  describe("commands on a user", () => {
    it("renames: 200 with the new state and ETag; the same name again changes nothing", async () => {
      const user = await register();
      const renamed = await api.post(`/api/users/${user.id}/rename`, { name: "New Name" });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: user.id, name: "New Name", version: 2 });
      expect(renamed.headers.get("etag")).toBe('"2"');

      const before = await eventCount();
      const again = await api.post(`/api/users/${user.id}/rename`, { name: " New Name " });
      expect(again.status).toBe(200);
      expect(again.body.version).toBe(2);
      expect(await eventCount()).toBe(before);
    });

    it("answers 304 to If-None-Match with the current ETag, and 200 once the user changed", async () => {
      const user = await register();
      const first = await api.get(`/api/users/${user.id}`);
      const etag = first.headers.get("etag")!;
      const unchanged = await api.get(`/api/users/${user.id}`, { headers: { "if-none-match": etag } });
      expect(unchanged.status).toBe(304);
      expect(unchanged.text).toBe("");
      expect(unchanged.headers.get("etag")).toBe(etag);
      expect((await api.get(`/api/users/${user.id}`, { headers: { "if-none-match": `W/"9", ${etag}` } })).status).toBe(
        304,
      );
      await api.post(`/api/users/${user.id}/rename`, { name: "Changed Since" });
      const changed = await api.get(`/api/users/${user.id}`, { headers: { "if-none-match": etag } });
      expect(changed.status).toBe(200);
      expect(changed.body.name).toBe("Changed Since");
    });

    it("PUT /api/users/:id renames too", async () => {
      const user = await register();
      const response = await api.put(`/api/users/${user.id}`, { name: "Put Name" });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: "Put Name", version: 2 });
    });

    it("honours If-Match: the current version passes, a stale one is 412 with the current version", async () => {
      const user = await register();
      const fresh = await api.post(
        `/api/users/${user.id}/rename`,
        { name: "First" },
        { headers: { "if-match": '"1"' } },
      );
      expect(fresh.status).toBe(200);

      const before = await eventCount();
      const stale = await api.post(
        `/api/users/${user.id}/rename`,
        { name: "Second" },
        { headers: { "if-match": '"1"' } },
      );
      expectProblem(stale, 412);
      expect(stale.body.currentVersion).toBe(2);
      expect(await eventCount()).toBe(before);

      expectProblem(
        await api.post(`/api/users/${user.id}/rename`, { name: "X" }, { headers: { "if-match": "1" } }),
        400,
      );
    });

    it("changes the email, refusing an invalid or taken one", async () => {
      const [user, other] = [await register(), await register()];
      const changed = await api.post(`/api/users/${user.id}/change-email`, {
        email: "Changed." + user.email.toUpperCase(),
      });
      expect(changed.status).toBe(200);
      expect(changed.body.email).toBe("changed." + user.email);
      expectProblem(await api.post(`/api/users/${user.id}/change-email`, { email: "not an email" }), 400);
      expectProblem(await api.post(`/api/users/${user.id}/change-email`, { email: other.email }), 409);
      expect((await api.get(`/api/users/${user.id}`)).body.email).toBe("changed." + user.email);
    });

    it("changes the password, refusing a short one; events show no hash", async () => {
      const user = await register();
      expectProblem(await api.post(`/api/users/${user.id}/change-password`, { password: "short" }), 400);
      const changed = await api.post(`/api/users/${user.id}/change-password`, { password: "a much longer secret" });
      expect(changed.status).toBe(200);
      expect(changed.body.version).toBe(2);
      const events = await api.get(`/api/users/${user.id}/events`);
      expect(events.body.items.map((e: { data: { passwordHash?: string } }) => e.data.passwordHash)).toEqual([
        "[redacted]",
        "[redacted]",
      ]);
      expect(events.text).not.toContain("scrypt");
    });

    it("deactivates, then refuses everything but reactivation (409), then reactivates with an empty body", async () => {
      const user = await register();
      const deactivated = await api.post(`/api/users/${user.id}/deactivate`, { reason: "Left the company" });
      expect(deactivated.body).toMatchObject({ status: "deactivated", version: 2 });
      expectProblem(await api.post(`/api/users/${user.id}/rename`, { name: "Nope" }), 409);
      expectProblem(await api.post(`/api/users/${user.id}/deactivate`, { reason: "again" }), 409);
      expectProblem(await api.post(`/api/users/${user.id}/deactivate`, { reason: "" }), 409);
      const reactivated = await call("POST", `/api/users/${user.id}/reactivate`);
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toMatchObject({ status: "active", version: 3 });
      const noChange = await api.post(`/api/users/${user.id}/reactivate`, {});
      expect(noChange.body.version).toBe(3);
    });

    it("answers 404 for a user that does not exist or an id that cannot be one", async () => {
      for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "%27%3B%20drop%20table"]) {
        expectProblem(await api.post(`/api/users/${id}/rename`, { name: "X" }), 404);
        expectProblem(await api.get(`/api/users/${id}`), 404);
        expectProblem(await api.get(`/api/users/${id}/events`), 404);
      }
    });

    it("records actor (the caller's API token, whatever X-Actor says), correlation, causation and command ids on every event", async () => {
      const user = (
        await api.post("/api/users", newUserInput(), {
          headers: { "x-actor": "forged-admin", "x-correlation-id": "corr-42" },
        })
      ).body;
      // Free text as a correlation id would be kept for ever: it is replaced by a generated one.
      const renamed = await api.post(
        `/api/users/${user.id}/rename`,
        { name: "Traced" },
        { headers: { "x-correlation-id": "call Jane Doe" } },
      );
      const { items } = (await api.get(`/api/users/${user.id}/events`)).body;
      expect(items[1].metadata.correlationId).toBe(renamed.headers.get("x-correlation-id"));
      expect(items[1].metadata.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      const actor = expect.stringMatching(/^token:integration tests#[0-9a-f]{8}$/);
      expect(items[0].metadata).toMatchObject({ actor, correlationId: "corr-42", schemaVersion: 2 });
      expect(items[0].metadata.commandId).toEqual(items[0].metadata.causationId);
      expect(items[1].metadata).toMatchObject({
        actor,
        correlationId: expect.any(String),
        commandId: expect.any(String),
      });
      expect(items[1].metadata.correlationId).not.toBe("corr-42");
    });

    it("returns 405 with Allow for a method a route does not take", async () => {
      const user = await register();
      const response = await call("DELETE", `/api/users/${user.id}`);
      expectProblem(response, 405);
      expect(response.headers.get("allow")).toBe("GET, PUT");
      expect((await call("GET", `/api/users/${user.id}/rename`)).status).toBe(405);
    });
  });

  describe("Idempotency-Key", () => {
    it("answers a retry with the first status and body, and appends nothing", async () => {
      const input = newUserInput();
      const headers = { "idempotency-key": `register-${input.email}` };
      const first = await api.post("/api/users", input, { headers });
      const before = await eventCount();
      const retry = await api.post("/api/users", input, { headers });
      expect(retry.status).toBe(201);
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get("location")).toBe(first.headers.get("location"));
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
      expect(await eventCount()).toBe(before);
    });

    it("replays errors too, and refuses the key for a different request", async () => {
      const user = await register();
      const headers = { "idempotency-key": `rename-${user.id}`, "if-match": '"1"' };
      const first = await api.post(`/api/users/${user.id}/rename`, { name: "Once" }, { headers });
      expect(first.status).toBe(200);
      // Without the key the same If-Match is now stale; with it, the retry gets the first answer.
      const retry = await api.post(`/api/users/${user.id}/rename`, { name: "Once" }, { headers });
      expect(retry.status).toBe(200);
      expect(retry.text).toBe(first.text);
      const reused = await api.post(`/api/users/${user.id}/rename`, { name: "Other" }, { headers });
      expectProblem(reused, 422);

      const conflictHeaders = { "idempotency-key": `taken-${user.id}` };
      const conflict = await api.post("/api/users", newUserInput({ email: user.email }), { headers: conflictHeaders });
      expectProblem(conflict, 409);
    });

    it("runs simultaneous retries once: 409 while the first still runs, then its answer replayed", async () => {
      const user = await register();
      const headers = { "idempotency-key": `parallel-${user.id}` };
      const rename = () => api.post(`/api/users/${user.id}/rename`, { name: "Parallel" }, { headers });
      // The first request is held just before it records its answer (the one transaction
      // idempotency.ts opens): it has claimed the key and appended its event, and is still running
      // while the retries arrive.
      const held = holdTransactionFrom("lib/application/idempotency.ts");
      const first = rename();
      await Promise.race([
        held.reached,
        first.then(() => Promise.reject(new Error("the first request ended without recording its answer"))),
      ]);
      const whileRunning = await Promise.all(Array.from({ length: 4 }, rename));
      for (const answer of whileRunning) {
        expectProblem(answer, 409);
        expect(answer.body.type).toMatch(/idempotent-request-in-progress$/);
      }
      held.release();
      const firstAnswer = await first;
      expect(firstAnswer.status).toBe(200);
      expect(firstAnswer.headers.get("idempotent-replayed")).toBe("false");

      const afterwards = await Promise.all(Array.from({ length: 3 }, rename));
      for (const answer of afterwards) {
        expect(answer.status).toBe(200);
        expect(answer.headers.get("idempotent-replayed")).toBe("true");
        expect(answer.text).toBe(firstAnswer.text);
        expect(answer.headers.get("etag")).toBe(firstAnswer.headers.get("etag"));
      }
      const { items } = (await api.get(`/api/users/${user.id}/events`)).body;
      expect(items).toHaveLength(2);
    });
  });

  describe("time travel", () => {
    it("shows a user at any version or instant, and 404 before it existed", async () => {
      const before = new Date(Date.now() - 1000).toISOString();
      const user = await register({ name: "Version One" });
      await api.post(`/api/users/${user.id}/rename`, { name: "Version Two" });
      // Clear of both renames by a few milliseconds: the instant is kept to the millisecond.
      await new Promise((done) => setTimeout(done, 5));
      const betweenRenames = new Date().toISOString();
      await new Promise((done) => setTimeout(done, 5));
      await api.post(`/api/users/${user.id}/rename`, { name: "Version Three" });

      const v1 = await api.get(`/api/users/${user.id}?version=1`);
      expect(v1.status).toBe(200);
      expect(v1.body).toMatchObject({ name: "Version One", version: 1 });
      expect(v1.headers.get("etag")).toBe('"1"');
      expect((await api.get(`/api/users/${user.id}?version=3`)).body.name).toBe("Version Three");
      expect((await api.get(`/api/users/${user.id}?at=${encodeURIComponent(betweenRenames)}`)).body).toMatchObject({
        name: "Version Two",
        version: 2,
      });
      expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({ name: "Version Three", version: 3 });
      // The int tests keep a snapshot every 3 versions: the reads above went through one.
      const [snapshots] = await database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM snapshots WHERE stream_id = $1",
        [`user-${user.id}`],
      );
      expect(snapshots!.n).toBe(1);

      expectProblem(await api.get(`/api/users/${user.id}?version=4`), 404);
      expectProblem(await api.get(`/api/users/${user.id}?at=${encodeURIComponent(before)}`), 404);
      for (const bad of [
        "version=0",
        "version=-1",
        "version=abc",
        "version=1.5",
        "at=yesterday",
        "at=2025-13-01T00:00:00Z",
        `version=1&at=${encodeURIComponent(before)}`,
        "verison=1",
      ]) {
        expectProblem(await api.get(`/api/users/${user.id}?${bad}`), 400);
      }
    });
  });

  describe("GET /api/users", () => {
    it("pages through users newest first with a total, filters by text and status", async () => {
      const tag = `pager${Math.random().toString(36).slice(2, 8)}`;
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await register({ name: `${tag} person ${i}` }));
      await api.post(`/api/users/${created[1]!.id}/deactivate`, { reason: "test" });

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await api.get(`/api/users?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.status).toBe(200);
        expect(page.body.total).toBe(5);
        seen.push(...page.body.items.map((u: { id: string }) => u.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(created.map((u) => u.id).reverse());

      const deactivated = await api.get(`/api/users?q=${tag.toUpperCase()}&status=deactivated`);
      expect(deactivated.body.items.map((u: { id: string }) => u.id)).toEqual([created[1]!.id]);
      expect(deactivated.body.total).toBe(1);
      const byEmail = await api.get(`/api/users?q=${encodeURIComponent(created[3]!.email)}`);
      expect(byEmail.body.items.map((u: { id: string }) => u.id)).toEqual([created[3]!.id]);
      expect((await api.get(`/api/users?q=${encodeURIComponent("%")}${tag}`)).body.total).toBe(0);
    });

    it("shows the list as it was at an instant, from the events", async () => {
      const tag = `asof${Math.random().toString(36).slice(2, 8)}`;
      const early = await register({ name: `${tag} before rename` });
      await new Promise((done) => setTimeout(done, 5));
      const instant = new Date().toISOString();
      await new Promise((done) => setTimeout(done, 5));
      await api.post(`/api/users/${early.id}/rename`, { name: `${tag} after rename` });
      const late = await register({ name: `${tag} registered later` });

      const then = await api.get(`/api/users?q=${tag}&at=${encodeURIComponent(instant)}`);
      expect(then.status).toBe(200);
      expect(then.body.items.map((u: { name: string }) => u.name)).toEqual([`${tag} before rename`]);
      expect(then.body.total).toBe(1);
      const now = await api.get(`/api/users?q=${tag}`);
      expect(now.body.items.map((u: { id: string }) => u.id)).toEqual([late.id, early.id]);
    });

    it.each([
      "limit=0",
      "limit=101",
      "limit=x",
      "status=gone",
      "cursor=garbage",
      "at=soon",
      "q=" + "x".repeat(201),
      "unknown=1",
      "limit=1&limit=2",
    ])("refuses %s with 400", async (query) => {
      expectProblem(await api.get(`/api/users?${query}`), 400);
    });
  });

  describe("GET /api/events", () => {
    it("follows the global feed from a position, and refuses unknown positions", async () => {
      await feedShowsEverything((await getServices()).database);
      const start = await api.get("/api/events?limit=1000");
      let after = start.body.nextAfter;
      for (;;) {
        const page = await api.get(`/api/events?after=${after}&limit=1000`);
        if (page.body.items.length === 0) break;
        after = page.body.nextAfter;
      }
      const user = await register();
      await api.post(`/api/users/${user.id}/change-password`, { password: "another long one" });
      const { database: db } = await getServices();
      await feedShowsEverything(db);
      const feed = await api.get(`/api/events?after=${after}`);
      expect(feed.body.items.map((e: { type: string }) => e.type)).toEqual([
        "user.registered",
        "user.password_changed",
      ]);
      expect(feed.text).not.toContain("scrypt");
      expect(feed.body.nextAfter).toBe(feed.body.items[1].position);
      expectProblem(await api.get("/api/events?after=999999999"), 400);
      for (const bad of ["after=-1", "after=x", "limit=0", "limit=1001"])
        expectProblem(await api.get(`/api/events?${bad}`), 400);
    });
  });
});
