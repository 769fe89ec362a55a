// Dry runs of the commands beyond the users' (decision 028): creating and revoking API tokens,
// saving, redefining and deleting saved reports, rebuilding a projection. Each is decided as the real
// command would be — the same refusals — but leaves every table and sequence as it was.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api, call, signedInSession, testCredentials, tokenWithScopes, type ApiResponse } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";
import { changedTables, sequenceValues, tableFingerprints } from "@/lib/testing/table-fingerprints";
import { forgedDryRunQueries } from "@/lib/testing/forged-dry-runs";

// Before any import reads the environment: three saved reports at most, to reach the limit.
vi.hoisted(() => {
  process.env.REWIND_MAX_SAVED_REPORTS = "3";
});

const definition = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  eventTypes: ["user.deactivated"],
  count: "events",
  period: "month",
  groupBy: "data.category",
  ...extra,
});

describe.each(testBackends())("dry runs of the other commands on $name", (backend) => {
  const adminEmail = `dry-runs-${backend.name}@rewind.test`;
  let database: TestDatabase;
  /** A signed-in admin's cookies and CSRF token: only they create and revoke tokens. */
  let admin: Record<string, string>;
  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
    await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "a long enough admin password" });
    admin = await signedInSession(adminEmail, "a long enough admin password");
    await testCredentials();
  });
  afterAll(() => closeDatabase());

  const asAdmin = (method: string, path: string, body?: unknown) => call(method, path, { body, headers: admin });

  /** Runs `send` and says which tables and sequences it changed (none, for a dry run). */
  async function changesBy(send: () => Promise<ApiResponse>): Promise<{ response: ApiResponse; changed: string[] }> {
    const tables = await tableFingerprints(database);
    const sequences = await sequenceValues(database);
    const response = await send();
    const sequencesAfter = await sequenceValues(database);
    const movedSequences = Object.keys(sequencesAfter).filter((name) => sequences[name] !== sequencesAfter[name]);
    return { response, changed: [...changedTables(tables, await tableFingerprints(database)), ...movedSequences] };
  }

  /** A dry run and then the real command: the same status and problem type, and the dry run changed nothing. */
  async function refusedAlike(what: string, dry: () => Promise<ApiResponse>, real: () => Promise<ApiResponse>) {
    const { response: preview, changed } = await changesBy(dry);
    expect(changed, what).toEqual([]);
    const recorded = await real();
    expect(preview.status, `${what}: ${preview.text}`).toBeGreaterThanOrEqual(400);
    expect(preview.status, what).toBeLessThan(500);
    expect([preview.status, preview.body?.type], what).toEqual([recorded.status, recorded.body?.type]);
    return preview;
  }

  describe("POST /api/tokens", () => {
    it("answers the token it would make and the admin action, never a secret or an id, and writes nothing", async () => {
      const { response, changed } = await changesBy(() =>
        asAdmin("POST", "/api/tokens?dryRun=true", { name: "  billing service ", scopes: ["write", "read"] }),
      );
      expect(response.status, response.text).toBe(200);
      expect(changed).toEqual([]);
      expect(response.headers.get("cache-control")).toContain("no-store");
      expect(response.body).toEqual({
        dryRun: true,
        decidedAgainst: { point: "now" },
        events: [
          {
            type: "admin.api_token_created",
            stream: expect.stringMatching(/^admin-/),
            data: { name: "billing service", scopes: ["read", "write"] },
          },
        ],
        before: null,
        state: {
          name: "billing service",
          scopes: ["read", "write"],
          createdBy: adminEmail,
          lastUsedAt: null,
          revokedAt: null,
        },
      });
      expect(response.text).not.toContain("rwd_");
      expect(response.text).not.toMatch(/hash/i);
      const real = await asAdmin("POST", "/api/tokens", { name: "billing service", scopes: ["write", "read"] });
      expect([real.status, real.body.scopes]).toEqual([201, ["read", "write"]]);
    });

    it("is refused as creating is: a bad name, an API token (403), a token without the admin scope", async () => {
      await refusedAlike(
        "empty name",
        () => asAdmin("POST", "/api/tokens?dryRun=true", { name: " ", scopes: ["read"] }),
        () => asAdmin("POST", "/api/tokens", { name: " ", scopes: ["read"] }),
      );
      await refusedAlike(
        "unknown scope",
        () => asAdmin("POST", "/api/tokens?dryRun=true", { name: "x", scopes: ["root"] }),
        () => asAdmin("POST", "/api/tokens", { name: "x", scopes: ["root"] }),
      );
      const forbidden = await refusedAlike(
        "an API token with every scope",
        () => api.post("/api/tokens?dryRun=true", { name: "by token", scopes: ["read"] }),
        () => api.post("/api/tokens", { name: "by token", scopes: ["read"] }),
      );
      expect(forbidden.status).toBe(403);
      const reader = await tokenWithScopes(["read"]);
      const insufficient = await refusedAlike(
        "insufficient scope",
        () => api.post("/api/tokens?dryRun=true", { name: "x", scopes: ["read"] }, { headers: reader.headers }),
        () => api.post("/api/tokens", { name: "x", scopes: ["read"] }, { headers: reader.headers }),
      );
      expect(insufficient.status).toBe(403);
    });
  });

  describe("POST /api/tokens/:id/revoke", () => {
    it("answers the token revoked and the admin action, and the token goes on working", async () => {
      const service = await tokenWithScopes(["read"], "to keep");
      const { response, changed } = await changesBy(() =>
        asAdmin("POST", `/api/tokens/${service.id}/revoke?dryRun=true`),
      );
      expect(response.status, response.text).toBe(200);
      expect(changed).toEqual([]);
      expect(response.body.events).toEqual([
        {
          type: "admin.api_token_revoked",
          stream: expect.stringMatching(/^admin-/),
          data: { tokenId: service.id, name: "to keep" },
        },
      ]);
      expect(response.body.before).toMatchObject({ id: service.id, revokedAt: null });
      expect(Date.parse(response.body.state.revokedAt)).not.toBeNaN();
      expect(response.text).not.toContain(service.token);
      expect((await api.get("/api/users", { headers: service.headers })).status).toBe(200);
    });

    it("is refused as revoking is: an unknown or malformed id, an API token, a revoked token as credential", async () => {
      await refusedAlike(
        "unknown token",
        () => asAdmin("POST", "/api/tokens/00000000-0000-4000-8000-000000000000/revoke?dryRun=true"),
        () => asAdmin("POST", "/api/tokens/00000000-0000-4000-8000-000000000000/revoke"),
      );
      await refusedAlike(
        "malformed id",
        () => asAdmin("POST", "/api/tokens/not-a-token/revoke?dryRun=true"),
        () => asAdmin("POST", "/api/tokens/not-a-token/revoke"),
      );
      const target = await tokenWithScopes(["read"], "target");
      await refusedAlike(
        "by an API token",
        () => api.post(`/api/tokens/${target.id}/revoke?dryRun=true`),
        () => api.post(`/api/tokens/${target.id}/revoke`),
      );
      const revoked = await tokenWithScopes(["admin"], "revoked");
      expect((await asAdmin("POST", `/api/tokens/${revoked.id}/revoke`)).status).toBe(200);
      const unauthenticated = await refusedAlike(
        "a revoked token as credential",
        () => api.post(`/api/tokens/${target.id}/revoke?dryRun=true`, undefined, { headers: revoked.headers }),
        () => api.post(`/api/tokens/${target.id}/revoke`, undefined, { headers: revoked.headers }),
      );
      expect(unauthenticated.status).toBe(401);
      // Revoking a revoked token is accepted, and keeps its first instant: so is its dry run.
      const again = await asAdmin("POST", `/api/tokens/${revoked.id}/revoke?dryRun=true`);
      expect(again.status).toBe(200);
      expect(again.body.state.revokedAt).toBe(again.body.before.revokedAt);
    });
  });

  describe("saved-report definitions", () => {
    it("previews saving, redefining and deleting: the events and the report after, no row, table, id or event", async () => {
      const saved = await changesBy(() => asAdmin("POST", "/api/reports/definitions?dryRun=true", definition("Dry")));
      expect(saved.response.status, saved.response.text).toBe(200);
      expect(saved.changed).toEqual([]);
      expect(saved.response.body).toEqual({
        dryRun: true,
        decidedAgainst: { point: "now", version: 0 },
        events: [
          {
            type: "report.defined",
            stream: null,
            data: { reportId: null, name: "Dry", revision: 1, definition: definition("Dry") },
          },
        ],
        before: null,
        state: { id: null, name: "Dry", revision: 1, definition: definition("Dry") },
      });

      const report = (await asAdmin("POST", "/api/reports/definitions", definition("Real"))).body;
      const redefined = await changesBy(() =>
        asAdmin(
          "PUT",
          `/api/reports/definitions/${report.id}?dryRun=true`,
          definition("Real, by day", { period: "day" }),
        ),
      );
      expect(redefined.response.status, redefined.response.text).toBe(200);
      expect(redefined.changed).toEqual([]);
      expect(redefined.response.body.decidedAgainst).toEqual({ point: "now", version: 1 });
      expect(redefined.response.body.events).toEqual([
        {
          type: "report.redefined",
          stream: `report-${report.id}`,
          data: {
            reportId: report.id,
            name: "Real, by day",
            revision: 2,
            definition: definition("Real, by day", { period: "day" }),
          },
        },
      ]);
      expect(redefined.response.body.before).toMatchObject({ id: report.id, name: "Real", revision: 1 });
      expect(redefined.response.body.state).toMatchObject({ id: report.id, name: "Real, by day", revision: 2 });

      const deleted = await changesBy(() => asAdmin("DELETE", `/api/reports/definitions/${report.id}?dryRun=true`));
      expect(deleted.response.status, deleted.response.text).toBe(200);
      expect(deleted.changed).toEqual([]);
      expect(deleted.response.body.events).toEqual([
        { type: "report.deleted", stream: `report-${report.id}`, data: { reportId: report.id, name: "Real" } },
      ]);
      expect(deleted.response.body.state).toBeNull();
      expect((await asAdmin("GET", `/api/reports/definitions/${report.id}`)).body).toEqual(report);
      // The dry run took no id: the next report saved gets the one after.
      const next = (await asAdmin("POST", "/api/reports/definitions", definition("Next"))).body;
      expect(next.id).toBe(report.id + 1);
      await asAdmin("DELETE", `/api/reports/definitions/${next.id}`);
      await asAdmin("DELETE", `/api/reports/definitions/${report.id}`);
    });

    it("is refused as the change is: a bad definition, an unknown report, the limit of saved reports", async () => {
      const unbounded = definition("Per user", { groupBy: "data.userId" });
      await refusedAlike(
        "unbounded group",
        () => asAdmin("POST", "/api/reports/definitions?dryRun=true", unbounded),
        () => asAdmin("POST", "/api/reports/definitions", unbounded),
      );
      await refusedAlike(
        "personal value filter",
        () =>
          asAdmin(
            "POST",
            "/api/reports/definitions?dryRun=true",
            definition("x", { filter: { field: "data.email", operator: "equals", values: ["a"] } }),
          ),
        () =>
          asAdmin(
            "POST",
            "/api/reports/definitions",
            definition("x", { filter: { field: "data.email", operator: "equals", values: ["a"] } }),
          ),
      );
      for (const [method, body] of [
        ["PUT", definition("Ghost")],
        ["DELETE", undefined],
      ] as const) {
        await refusedAlike(
          `${method} unknown report`,
          () => asAdmin(method, "/api/reports/definitions/999999?dryRun=true", body),
          () => asAdmin(method, "/api/reports/definitions/999999", body),
        );
        await refusedAlike(
          `${method} malformed id`,
          () => asAdmin(method, "/api/reports/definitions/0x1?dryRun=true", body),
          () => asAdmin(method, "/api/reports/definitions/0x1", body),
        );
      }
      const made: number[] = [];
      for (let index = 0; index < 3; index++)
        made.push((await asAdmin("POST", "/api/reports/definitions", definition(`Fill ${index}`))).body.id as number);
      const full = await refusedAlike(
        "limit reached",
        () => asAdmin("POST", "/api/reports/definitions?dryRun=true", definition("One too many")),
        () => asAdmin("POST", "/api/reports/definitions", definition("One too many")),
      );
      expect(full.status).toBe(409);
      for (const id of made) expect((await asAdmin("DELETE", `/api/reports/definitions/${id}`)).status).toBe(204);
    });

    it("decides against the report at ?version= or ?at= of its stream: a change refused now (deleted) was possible then", async () => {
      const report = (await asAdmin("POST", "/api/reports/definitions", definition("First"))).body;
      await asAdmin("PUT", `/api/reports/definitions/${report.id}`, definition("Second"));
      // The instant is kept to the millisecond, the event to the microsecond: clear of the redefinition.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const beforeDeletion = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await asAdmin("DELETE", `/api/reports/definitions/${report.id}`)).status).toBe(204);
      const path = `/api/reports/definitions/${report.id}`;

      expect((await asAdmin("PUT", `${path}?dryRun=true`, definition("Third"))).status).toBe(404);
      const atVersion1 = await changesBy(() => asAdmin("PUT", `${path}?dryRun=true&version=1`, definition("Third")));
      expect(atVersion1.response.status, atVersion1.response.text).toBe(200);
      expect(atVersion1.changed).toEqual([]);
      expect(atVersion1.response.body.decidedAgainst).toEqual({ point: "version", version: 1 });
      expect(atVersion1.response.body.before).toMatchObject({ name: "First", revision: 1 });
      expect(atVersion1.response.body.state).toMatchObject({ name: "Third", revision: 2 });

      const atInstant = await asAdmin("DELETE", `${path}?dryRun=true&at=${encodeURIComponent(beforeDeletion)}`);
      expect(atInstant.status, atInstant.text).toBe(200);
      expect(atInstant.body.decidedAgainst).toEqual({ point: "at", version: 2, at: beforeDeletion });
      expect(atInstant.body.events).toEqual([
        { type: "report.deleted", stream: `report-${report.id}`, data: { reportId: report.id, name: "Second" } },
      ]);
      // After the deletion, before the report existed, and a version its stream never reached: 404.
      expect((await asAdmin("DELETE", `${path}?dryRun=true&version=3`)).status).toBe(404);
      expect((await asAdmin("DELETE", `${path}?dryRun=true&at=2000-01-01T00:00:00Z`)).status).toBe(404);
      const never = await asAdmin("DELETE", `${path}?dryRun=true&version=99`);
      expect([never.status, never.body.detail]).toEqual([404, expect.stringContaining("no version 99")]);
      // A report not saved yet has no stream to go back in.
      const unsaved = await asAdmin("POST", "/api/reports/definitions?dryRun=true&version=1", definition("New"));
      expect([unsaved.status, unsaved.body.detail]).toEqual([400, expect.stringContaining("no stream")]);
    });
  });

  describe("POST /api/projections/:name/rebuild", () => {
    it("answers the projection as it stands and that it would rebuild: no event, nothing claimed or started", async () => {
      await call("GET", "/api/projections");
      const { response, changed } = await changesBy(() =>
        call("POST", "/api/projections/name_changes/rebuild?dryRun=true"),
      );
      expect(response.status, response.text).toBe(200);
      expect(changed).toEqual([]);
      expect(response.body).toMatchObject({
        dryRun: true,
        decidedAgainst: { point: "now" },
        events: [],
        before: { name: "name_changes", rebuild: null },
        state: { name: "name_changes", status: "rebuilding" },
      });
      expect((await call("GET", "/api/projections")).body.items[0].rebuild).toBeNull();
    });

    it("is refused as the rebuild is: an unknown projection, one already rebuilding, a token without the admin scope", async () => {
      await refusedAlike(
        "unknown projection",
        () => call("POST", "/api/projections/nope/rebuild?dryRun=true"),
        () => call("POST", "/api/projections/nope/rebuild"),
      );
      const writer = await tokenWithScopes(["write"]);
      await refusedAlike(
        "insufficient scope",
        () => call("POST", "/api/projections/cohorts/rebuild?dryRun=true", { headers: writer.headers }),
        () => call("POST", "/api/projections/cohorts/rebuild", { headers: writer.headers }),
      );
      await call("GET", "/api/projections");
      // A rebuild under way (another process's, as its checkpoint says).
      await database.query(
        "UPDATE projection_checkpoints SET rebuild_started_at = now(), rebuild_applied = 0, rebuild_total = 1 WHERE name = 'cohorts'",
      );
      const busy = await refusedAlike(
        "rebuild in progress",
        () => call("POST", "/api/projections/cohorts/rebuild?dryRun=true"),
        () => call("POST", "/api/projections/cohorts/rebuild"),
      );
      expect(busy.status).toBe(409);
      await database.query(
        "UPDATE projection_checkpoints SET rebuild_started_at = NULL, rebuild_applied = NULL, rebuild_total = NULL WHERE name = 'cohorts'",
      );
    });
  });

  it("refuses forged or extreme values of dryRun, version and at on every route with 400, and version=/at= where there are no versions", async () => {
    const token = await tokenWithScopes(["read"], "forged");
    const report = (await asAdmin("POST", "/api/reports/definitions", definition("Forged"))).body;
    const routes: [string, string, unknown?][] = [
      ["POST", "/api/tokens", { name: "never", scopes: ["read"] }],
      ["POST", `/api/tokens/${token.id}/revoke`],
      ["POST", "/api/reports/definitions", definition("never")],
      ["PUT", `/api/reports/definitions/${report.id}`, definition("never")],
      ["DELETE", `/api/reports/definitions/${report.id}`],
      ["POST", "/api/projections/name_changes/rebuild"],
    ];
    for (const [method, path, body] of routes)
      for (const query of forgedDryRunQueries) {
        const { response, changed } = await changesBy(() => asAdmin(method, `${path}?${query}`, body));
        expect([response.status, changed], `${method} ${path}?${query}`).toEqual([400, []]);
        expect(response.headers.get("content-type")).toContain("application/problem+json");
      }
    // version= and at= where the resource has no versions: refused, saying why.
    for (const [method, path, body] of [routes[0]!, routes[1]!, routes[5]!])
      for (const point of ["version=1", "at=2025-01-01T00:00:00Z"]) {
        const { response, changed } = await changesBy(() => asAdmin(method, `${path}?dryRun=true&${point}`, body));
        expect([response.status, changed], `${path} ${point}`).toEqual([400, []]);
        expect(response.body.detail).toMatch(/makes no sense here/);
      }
    await asAdmin("DELETE", `/api/reports/definitions/${report.id}`);
  });

  it("never writes while real commands race it", async () => {
    const report = (await asAdmin("POST", "/api/reports/definitions", definition("Raced"))).body;
    const streamLength = async () =>
      (
        await database.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE stream_id = $1", [
          `report-${report.id}`,
        ])
      )[0]!.n;
    const tokensBefore = (await asAdmin("GET", "/api/tokens")).body.items.length as number;
    const reportsBefore = (await asAdmin("GET", "/api/reports/definitions")).body.items.length as number;
    const real = Array.from({ length: 4 }, (_, index) =>
      asAdmin("PUT", `/api/reports/definitions/${report.id}`, definition(`Real ${index}`)),
    );
    const dry = Array.from({ length: 12 }, (_, index) =>
      [
        () => asAdmin("PUT", `/api/reports/definitions/${report.id}?dryRun=true`, definition(`Dry ${index}`)),
        () => asAdmin("DELETE", `/api/reports/definitions/${report.id}?dryRun=true`),
        () => asAdmin("POST", "/api/tokens?dryRun=true", { name: `Dry ${index}`, scopes: ["read"] }),
        () => asAdmin("POST", "/api/reports/definitions?dryRun=true", definition(`Dry ${index}`)),
      ][index % 4]!(),
    );
    const [reals, drys] = await Promise.all([Promise.all(real), Promise.all(dry)]);
    expect(reals.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(drys.map((response) => response.status)).toEqual(Array(12).fill(200));
    expect(await streamLength()).toBe(5);
    const now = (await asAdmin("GET", `/api/reports/definitions/${report.id}`)).body;
    expect(now.revision).toBe(5);
    expect(now.name).toMatch(/^Real /);
    expect((await asAdmin("GET", "/api/tokens")).body.items.length).toBe(tokensBefore);
    expect((await asAdmin("GET", "/api/reports/definitions")).body.items).toHaveLength(reportsBefore);
    await asAdmin("DELETE", `/api/reports/definitions/${report.id}`);
  });
});
