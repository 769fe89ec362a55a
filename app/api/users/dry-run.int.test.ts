// Dry runs (decision 026): every user command with ?dryRun=true is decided as the real one would be —
// the same refusals — but records nothing: every table of the database is left byte-identical.
import { describe, expect, it } from "vitest";
import { api, call, newUserInput, type ApiResponse } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { provideTestDatabase } from "@/lib/testing/provided-database";
import { changedTables, tableFingerprints } from "@/lib/testing/table-fingerprints";
import { forgedDryRunQueries } from "@/lib/testing/forged-dry-runs";

type User = { id: string; name: string; email: string; status: string; version: number };

describe.each(testBackends())("dry runs on $name", (backend) => {
  const database = provideTestDatabase(backend);

  const register = async (input = newUserInput()): Promise<User> => {
    const response = await api.post("/api/users", input);
    expect(response.status).toBe(201);
    return response.body as User;
  };

  /** Runs `send` and says which tables it changed (none, for a dry run). */
  async function tablesChangedBy(
    send: () => Promise<ApiResponse>,
  ): Promise<{ response: ApiResponse; changed: string[] }> {
    const before = await tableFingerprints(database());
    const response = await send();
    return { response, changed: changedTables(before, await tableFingerprints(database())) };
  }

  it("answers, for every user command, the events it would record and the state after, and writes nothing", async () => {
    const user = await register();
    const deactivated = await register();
    await api.post(`/api/users/${deactivated.id}/deactivate`, { reason: "to reactivate" });
    const otherEmail = newUserInput().email;
    const cases: {
      what: string;
      send: () => Promise<ApiResponse>;
      events: string[];
      state: Partial<User>;
    }[] = [
      {
        what: "register",
        send: () =>
          api.post("/api/users?dryRun=true", { name: "Would Be", email: otherEmail, password: "long enough pw" }),
        events: ["user.registered"],
        state: { name: "Would Be", email: otherEmail, status: "active", version: 1 },
      },
      {
        what: "rename",
        send: () => api.post(`/api/users/${user.id}/rename?dryRun=true`, { name: "Renamed Maybe", reason: "typo" }),
        events: ["user.renamed"],
        state: { name: "Renamed Maybe", version: 2 },
      },
      {
        what: "PUT",
        send: () => api.put(`/api/users/${user.id}?dryRun=true`, { name: "Put Maybe" }),
        events: ["user.renamed"],
        state: { name: "Put Maybe", version: 2 },
      },
      {
        what: "change-email",
        send: () => api.post(`/api/users/${user.id}/change-email?dryRun=true`, { email: otherEmail }),
        events: ["user.email_changed"],
        state: { email: otherEmail, version: 2 },
      },
      {
        what: "change-password",
        send: () => api.post(`/api/users/${user.id}/change-password?dryRun=true`, { password: "another long pw" }),
        events: ["user.password_changed"],
        state: { version: 2 },
      },
      {
        what: "deactivate",
        send: () => api.post(`/api/users/${user.id}/deactivate?dryRun=true`, { reason: "just looking" }),
        events: ["user.deactivated"],
        state: { status: "deactivated", version: 2 },
      },
      {
        what: "reactivate",
        send: () => api.post(`/api/users/${deactivated.id}/reactivate?dryRun=true`),
        events: ["user.reactivated"],
        state: { status: "active", version: 3 },
      },
      {
        what: "forget",
        send: () => api.post(`/api/users/${user.id}/forget?dryRun=true`),
        events: ["user.forgotten"],
        state: { status: "forgotten", name: "[erased]", email: "[erased]", version: 2 },
      },
      {
        what: "rename to the same name (nothing to record)",
        send: () => api.post(`/api/users/${user.id}/rename?dryRun=true`, { name: user.name }),
        events: [],
        state: { name: user.name, version: 1 },
      },
    ];
    for (const { what, send, events, state } of cases) {
      const { response, changed } = await tablesChangedBy(send);
      expect(response.status, `${what}: ${response.text}`).toBe(200);
      expect(changed, what).toEqual([]);
      expect(response.body.dryRun, what).toBe(true);
      expect(response.body.decidedAgainst.point, what).toBe("now");
      expect(
        response.body.events.map((event: { type: string }) => event.type),
        what,
      ).toEqual(events);
      for (const event of response.body.events) expect(Date.parse(event.effectiveAt), what).not.toBeNaN();
      expect(response.body.state, what).toMatchObject(state);
      expect(response.headers.get("etag"), what).toBeNull();
      expect(response.text, what).not.toContain("scrypt$");
    }
    // The user is as they were: nothing was renamed, forgotten or re-keyed.
    expect((await api.get(`/api/users/${user.id}`)).body).toEqual(user);
  });

  it("shows the event data as readers see it: the password hash redacted, never made", async () => {
    const user = await register();
    const { response } = await tablesChangedBy(() =>
      api.post(`/api/users/${user.id}/change-password?dryRun=true`, { password: "another long password" }),
    );
    expect(response.body.events[0].data).toEqual({ passwordHash: "[redacted]" });
    expect(response.body.before).toEqual(user);
  });

  it("is refused as the command would be, with the same 4xx, and records nothing either way", async () => {
    const user = await register();
    const taken = await register();
    await api.post(`/api/users/${user.id}/deactivate`, { reason: "gone" });
    const cases: [string, string, unknown, Record<string, string>?][] = [
      ["deactivated user", `/api/users/${user.id}/rename`, { name: "Nope" }],
      ["invalid body", `/api/users/${taken.id}/rename`, { name: "" }],
      ["unknown field", `/api/users/${taken.id}/rename`, { name: "X", extra: 1 }],
      ["email taken", `/api/users/${taken.id}/change-email`, { email: taken.email.toUpperCase() }],
      ["stale If-Match", `/api/users/${taken.id}/rename`, { name: "Fresh" }, { "if-match": '"7"' }],
      ["no such user", `/api/users/00000000-0000-4000-8000-000000000000/rename`, { name: "Ghost" }],
      ["short password", `/api/users/${taken.id}/change-password`, { password: "short" }],
    ];
    // A user whose email is taken by another, for the 409 (the taken user's own address is theirs).
    const other = await register();
    cases[3] = ["email taken", `/api/users/${taken.id}/change-email`, { email: other.email }];
    for (const [what, path, body, headers] of cases) {
      const { response: preview, changed } = await tablesChangedBy(() =>
        api.post(`${path}?dryRun=true`, body, { headers }),
      );
      expect(changed, what).toEqual([]);
      const real = await api.post(path, body, { headers });
      expect(preview.status, what).toBeGreaterThanOrEqual(400);
      expect(preview.status, what).toBeLessThan(500);
      expect([preview.status, preview.body.type], what).toEqual([real.status, real.body.type]);
    }
    const registration = { ...newUserInput(), email: other.email };
    const refused = await tablesChangedBy(() => api.post("/api/users?dryRun=true", registration));
    expect([refused.response.status, refused.changed]).toEqual([409, []]);
    expect((await api.post("/api/users", registration)).status).toBe(409);
  });

  it("decides against the user at ?version= or ?at=: a rename refused now would have been accepted before the deactivation", async () => {
    const user = await register();
    await api.post(`/api/users/${user.id}/rename`, { name: "Second Name" });
    // The instant is kept to the millisecond, the event to the microsecond: clear of the rename.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const beforeDeactivation = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await api.post(`/api/users/${user.id}/deactivate`, { reason: "left" });

    const now = await api.post(`/api/users/${user.id}/rename?dryRun=true`, { name: "Third Name" });
    expect([now.status, now.body.type]).toEqual([409, expect.stringContaining("user-deactivated")]);

    const { response: then, changed } = await tablesChangedBy(() =>
      api.post(`/api/users/${user.id}/rename?dryRun=true&version=2`, { name: "Third Name" }),
    );
    expect(changed).toEqual([]);
    expect(then.status, then.text).toBe(200);
    expect(then.body.decidedAgainst).toEqual({ point: "version", version: 2 });
    expect(then.body.before).toMatchObject({ name: "Second Name", status: "active", version: 2 });
    expect(then.body.events).toEqual([
      expect.objectContaining({ type: "user.renamed", data: { name: "Third Name", previousName: "Second Name" } }),
    ]);
    expect(then.body.state).toMatchObject({ name: "Third Name", status: "active" });

    const atInstant = await api.post(
      `/api/users/${user.id}/rename?dryRun=true&at=${encodeURIComponent(beforeDeactivation)}`,
      { name: "Third Name" },
    );
    expect(atInstant.status, atInstant.text).toBe(200);
    expect(atInstant.body.decidedAgainst).toEqual({ point: "at", version: 2, at: beforeDeactivation });

    const atVersion1 = await api.post(`/api/users/${user.id}/rename?dryRun=true&version=1`, { name: user.name });
    expect(atVersion1.body.events).toEqual([]);
    // Before the user existed: refused as a command on no user is.
    const beforeRegistration = await api.post(`/api/users/${user.id}/rename?dryRun=true&at=2000-01-01T00:00:00Z`, {
      name: "Third Name",
    });
    expect(beforeRegistration.status).toBe(404);
    // A version the user never reached.
    expect((await api.post(`/api/users/${user.id}/rename?dryRun=true&version=99`, { name: "X" })).status).toBe(404);
  });

  it("refuses forged or extreme values of dryRun, version and at with 400, recording nothing", async () => {
    const user = await register();
    for (const query of forgedDryRunQueries) {
      const { response, changed } = await tablesChangedBy(() =>
        api.post(`/api/users/${user.id}/rename?${query}`, { name: "Never" }),
      );
      expect([response.status, changed], query).toEqual([400, []]);
      expect(response.headers.get("content-type"), query).toContain("application/problem+json");
    }
    // dryRun=false is the real command.
    const recorded = await api.post(`/api/users/${user.id}/rename?dryRun=false`, { name: "Really" });
    expect([recorded.status, recorded.body.version]).toEqual([200, 2]);
  });

  it("is refused (400) by a route that has no dry run, rather than carried out", async () => {
    const { response, changed } = await tablesChangedBy(() => call("POST", "/api/auth/sign-out?dryRun=true"));
    expect([response.status, changed]).toEqual([400, []]);
    expect(response.body.detail).toContain("no dry run");
  });

  it("is neither stored under an Idempotency-Key nor replayed from one", async () => {
    const user = await register();
    const headers = { "idempotency-key": `dry-${user.id}` };
    const { response, changed } = await tablesChangedBy(() =>
      api.post(`/api/users/${user.id}/rename?dryRun=true`, { name: "Keyed" }, { headers }),
    );
    expect([response.status, changed]).toEqual([200, []]);
    const real = await api.post(`/api/users/${user.id}/rename`, { name: "Keyed" }, { headers });
    expect([real.status, real.body.version, real.headers.get("idempotent-replayed")]).toEqual([200, 2, "false"]);
  });

  it("never writes while real commands on the same user race it", async () => {
    const user = await register();
    const countEvents = async () =>
      (
        await database().query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1", [
          `user-${user.id}`,
        ])
      )[0]!.n;
    const real = Array.from({ length: 8 }, (_, i) => api.post(`/api/users/${user.id}/rename`, { name: `Real ${i}` }));
    const dry = Array.from({ length: 16 }, (_, i) =>
      api.post(`/api/users/${user.id}/${i % 2 ? "rename" : "deactivate"}?dryRun=true`, {
        ...(i % 2 ? { name: `Dry ${i}` } : { reason: `dry ${i}` }),
      }),
    );
    const [reals, drys] = await Promise.all([Promise.all(real), Promise.all(dry)]);
    expect(reals.map((response) => response.status)).toEqual(Array(8).fill(200));
    expect(drys.map((response) => response.status)).toEqual(Array(16).fill(200));
    // Registered, then one event per real rename: the dry runs added none, and never a dry name.
    expect(await countEvents()).toBe(9);
    const events = (await api.get(`/api/users/${user.id}/events`)).body.items as { type: string; data: object }[];
    expect(events.map((event) => event.type)).not.toContain("user.deactivated");
    expect(JSON.stringify(events)).not.toContain("Dry ");
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({ status: "active", version: 9 });
  });
});
