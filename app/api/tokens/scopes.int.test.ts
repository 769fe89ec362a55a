// API token scopes: a token does only what it was created for (403 problem+json otherwise), a
// signed-in admin does everything, and the scope each route needs is the one the OpenAPI document says.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { apiScopes, type ApiScope } from "@/lib/domain/access/scopes";
import { readMigrations, migrate } from "@/lib/db/migrate";
import { operationScopes } from "@/lib/http/openapi/document";
import type { RouteAccess } from "@/lib/http/route";
import { api, newUserInput, signedInSession, tokenWithScopes } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { httpMethods, routeFiles } from "@/lib/testing/routes";

type Handler = ((request: Request, context: { params: Promise<unknown> }) => Promise<Response>) & {
  access?: RouteAccess;
};

/** Every served operation with the scope its handler declares (405 handlers say "authenticated"). */
async function scopedOperations() {
  const operations: {
    endpoint: string;
    url: string;
    method: string;
    handler: Handler;
    params: unknown;
    access: RouteAccess;
  }[] = [];
  for (const route of routeFiles().filter((found) => !found.catchAll)) {
    const routeModule = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler | undefined>;
    for (const method of httpMethods) {
      const handler = routeModule[method];
      if (!handler?.access) continue;
      operations.push({
        endpoint: `${method} ${route.template}`,
        url: route.url,
        method,
        handler,
        params: route.params,
        access: handler.access,
      });
    }
  }
  return operations;
}

async function send(operation: Awaited<ReturnType<typeof scopedOperations>>[number], headers: Record<string, string>) {
  const request = new Request(`http://rewind.test${operation.url}`, {
    method: operation.method,
    headers: { "content-type": "application/json", ...headers },
    body: operation.method === "GET" ? undefined : "{}",
  });
  const response = await operation.handler(request, { params: Promise.resolve(operation.params) });
  const type = response.headers.get("content-type");
  // The event stream never ends by itself: read what it says about refusals only.
  const body = type === "application/problem+json" ? await response.json() : (await response.body?.cancel(), undefined);
  return { status: response.status, type, body, headers: response.headers };
}

describe.each(testBackends())("API token scopes on $name", (backend) => {
  const adminEmail = `scopes-${backend.name}@rewind.test`;
  const adminPassword = "a long enough admin password";
  let session: Record<string, string>;

  beforeAll(async () => {
    provideDatabase(await backend.open());
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword });
    session = await signedInSession(adminEmail, adminPassword);
  });
  afterAll(() => closeDatabase());

  it("declares next to each route handler the scope the OpenAPI document names for it", async () => {
    const declared = new Map((await scopedOperations()).map((operation) => [operation.endpoint, operation.access]));
    for (const [endpoint, scope] of Object.entries(operationScopes))
      expect({ endpoint, scope: declared.get(endpoint) }).toEqual({ endpoint, scope });
    const scopedButUndocumented = [...declared].filter(
      ([endpoint, access]) => access !== "authenticated" && !(endpoint in operationScopes),
    );
    expect(scopedButUndocumented).toEqual([]);
    for (const scope of apiScopes) expect(Object.values(operationScopes)).toContain(scope);
  });

  it("refuses each route to a token without its scope (403 problem+json), and lets one with only that scope through", async () => {
    const operations = (await scopedOperations()).filter((operation) => operation.access !== "authenticated");
    expect(operations.length).toBeGreaterThan(20);
    const tokens = Object.fromEntries(
      await Promise.all(
        apiScopes.map(async (scope) => [
          scope,
          {
            lacking: (await tokenWithScopes(apiScopes.filter((other) => other !== scope))).headers,
            only: (await tokenWithScopes([scope])).headers,
          },
        ]),
      ),
    ) as Record<ApiScope, { lacking: Record<string, string>; only: Record<string, string> }>;

    for (const operation of operations) {
      const scope = operation.access as ApiScope;
      const refused = await send(operation, tokens[scope].lacking);
      expect({ endpoint: operation.endpoint, status: refused.status, type: refused.type }).toEqual({
        endpoint: operation.endpoint,
        status: 403,
        type: "application/problem+json",
      });
      expect(refused.body).toMatchObject({
        type: "https://rewind.dev/problems/insufficient-scope",
        requiredScope: scope,
      });
      expect(refused.headers.get("www-authenticate")).toBe(
        `Bearer realm="rewind", error="insufficient_scope", scope="${scope}"`,
      );

      const allowed = await send(operation, tokens[scope].only);
      expect(allowed.body?.type, `${operation.endpoint} with the ${scope} scope`).not.toBe(
        "https://rewind.dev/problems/insufficient-scope",
      );
      expect([401, 500]).not.toContain(allowed.status);
    }
  });

  it("lets a read-only token query but not change, forget, rebuild, read the audit trail or list tokens", async () => {
    const reader = (await tokenWithScopes(["read"])).headers;
    const user = (await api.post("/api/users", newUserInput())).body;
    expect((await api.get(`/api/users/${user.id}`, { headers: reader })).status).toBe(200);
    expect((await api.get("/api/events?after=0&limit=1", { headers: reader })).status).toBe(200);
    expect((await api.get("/api/metrics", { headers: reader })).status).toBe(200);
    expect((await api.post(`/api/users/${user.id}/rename`, { name: "Not Allowed" }, { headers: reader })).status).toBe(
      403,
    );
    expect((await api.post(`/api/users/${user.id}/forget`, undefined, { headers: reader })).status).toBe(403);
    expect((await api.post("/api/projections/name_changes/rebuild", undefined, { headers: reader })).status).toBe(403);
    expect((await api.get("/api/audit", { headers: reader })).status).toBe(403);
    const list = await api.get("/api/tokens", { headers: reader });
    expect(list.status).toBe(403);
    expect(list.text).not.toContain("@rewind.test");
    // The refused commands changed nothing.
    expect((await api.get(`/api/users/${user.id}`)).body).toMatchObject({
      name: user.name,
      version: 1,
      status: "active",
    });
  });

  it("creates a token with the scopes asked for, shows them in the list and to the token itself", async () => {
    const created = await api.post(
      "/api/tokens",
      { name: "erasure service", scopes: ["erase", "read"] },
      { headers: session },
    );
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual(["read", "erase"]);
    const listed = (await api.get("/api/tokens", { headers: session })).body.items.find(
      (item: { id: string }) => item.id === created.body.id,
    );
    expect(listed.scopes).toEqual(["read", "erase"]);
    const asToken = await api.get("/api/auth/session", { headers: { authorization: `Bearer ${created.body.token}` } });
    expect(asToken.body).toMatchObject({ kind: "token", name: "erasure service", scopes: ["read", "erase"] });
    // A signed-in admin has every scope.
    expect((await api.get("/api/auth/session", { headers: session })).body.scopes).toEqual([...apiScopes]);
  });

  it("refuses to create a token without scopes, with an unknown one, or with one twice (400, nothing created)", async () => {
    const before = (await api.get("/api/tokens", { headers: session })).body.items.length;
    for (const body of [
      { name: "no scopes" },
      { name: "empty scopes", scopes: [] },
      { name: "unknown scope", scopes: ["read", "root"] },
      { name: "scope twice", scopes: ["read", "read"] },
      { name: "not a list", scopes: "read" },
      { name: "not strings", scopes: [1] },
    ]) {
      const refused = await api.post("/api/tokens", body, { headers: session });
      expect({ body, status: refused.status }).toEqual({ body, status: 400 });
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      expect(refused.body.errors.some((error: { path: string }) => error.path.startsWith("scopes"))).toBe(true);
    }
    expect((await api.get("/api/tokens", { headers: session })).body.items.length).toBe(before);
  });
});

describe.each(testBackends())("the scopes migration on $name", (backend) => {
  it("gives tokens made before scopes existed read and write, not erase or admin, and new tokens no default", async () => {
    const database = await backend.open({ migrated: false });
    try {
      const migrations = await readMigrations();
      const scopesMigration = migrations.findIndex((migration) => migration.name.endsWith("_api_token_scopes"));
      expect(scopesMigration).toBeGreaterThan(0);
      await migrate(database, migrations.slice(0, scopesMigration));
      const adminId = "00000000-0000-4000-8000-0000000000a1";
      await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, 'old@rewind.test', 'x')", [
        adminId,
      ]);
      await database.query(
        "INSERT INTO api_tokens (id, name, token_hash, created_by) VALUES ($1, 'old service', 'hash', $2)",
        ["00000000-0000-4000-8000-0000000000b1", adminId],
      );
      await migrate(database, migrations);
      const [old] = await database.query<{ scopes: string[] }>("SELECT scopes FROM api_tokens");
      expect(old!.scopes).toEqual(["read", "write"]);
      await expect(
        database.query("INSERT INTO api_tokens (id, name, token_hash, created_by) VALUES ($1, 'new', 'hash2', $2)", [
          "00000000-0000-4000-8000-0000000000b2",
          adminId,
        ]),
      ).rejects.toThrow(/scopes/);
    } finally {
      await database.close();
    }
  });
});
