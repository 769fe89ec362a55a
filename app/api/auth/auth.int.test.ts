// Who may call the API: every route but the health check and sign-in wants a signed-in admin or an
// API token; cookies come with CSRF protection, tokens can be revoked, sign-ins are rate-limited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureFirstAdmin, writeInitialAdminPassword } from "@/lib/application/auth/admins";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { api, call, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { httpMethods as methods, routeFiles } from "@/lib/testing/routes";
import { POST as signInRoute } from "./sign-in/route";

const publicEndpoints = new Set(["GET /api/health", "GET /api/ready", "GET /api/openapi.json", "POST /api/auth/sign-in"]);

type Handler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

async function everyEndpoint(send: (url: string) => Request): Promise<{ endpoint: string; status: number; type: string | null }[]> {
  const answers = [];
  for (const { url, file, params } of routeFiles()) {
    const module = (await import(file)) as Record<string, Handler | undefined>;
    for (const method of methods) {
      const handler = module[method];
      if (!handler) continue;
      const base = send(`http://rewind.test${url}`);
      const request = new Request(base, {
        method,
        body: method === "GET" ? undefined : "{}",
        headers: { "content-type": "application/json", ...Object.fromEntries(base.headers) },
      });
      const response = await handler(request, { params: Promise.resolve(params) });
      answers.push({
        endpoint: `${method} ${url.replace(/\/00000000-0000-4000-8000-000000000001/g, "/:id")}`,
        status: response.status,
        type: response.headers.get("content-type"),
      });
    }
  }
  return answers;
}

const cookiesFrom = (response: Response) => response.headers.getSetCookie();
const cookieHeader = (setCookies: string[]) => setCookies.map((cookie) => cookie.split(";")[0]).join("; ");
const cookieValue = (setCookies: string[], name: string) =>
  setCookies
    .find((cookie) => cookie.startsWith(`${name}=`))!
    .split(";")[0]!
    .slice(name.length + 1);

describe.each(testBackends())("authentication on $name", (backend) => {
  // The sign-in limiter is the process's: each backend's admins get their own emails.
  const adminEmail = `root-${backend.name}@rewind.test`;
  const adminPassword = "a long enough admin password";

  beforeAll(async () => {
    provideDatabase(await backend.open());
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword });
  });
  afterAll(() => closeDatabase());

  const signIn = async (password = adminPassword, headers: Record<string, string> = {}, email = adminEmail) =>
    signInRoute(
      new Request("http://rewind.test/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ email, password }),
      }),
      { params: Promise.resolve({}) },
    );

  it("answers 401 problem+json on every route without credentials, except the health check and sign-in", async () => {
    const answers = await everyEndpoint((url) => new Request(url));
    expect(answers.length).toBeGreaterThan(40);
    const refused = answers.filter((answer) => !publicEndpoints.has(answer.endpoint));
    expect(refused.filter((answer) => answer.status !== 401)).toEqual([]);
    expect(refused.length).toBe(answers.length - publicEndpoints.size);
    expect(refused.every((answer) => answer.type === "application/problem+json")).toBe(true);
    expect(answers.find((answer) => answer.endpoint === "GET /api/health")?.status).toBe(200);
  });

  it("answers 401 on every route with a revoked token, and with a made-up one", async () => {
    const session = cookiesFrom(await signIn());
    const cookie = cookieHeader(session);
    const csrf = cookieValue(session, "rewind_csrf");
    const created = await api.post(
      "/api/tokens",
      { name: "billing service", scopes: ["read"] },
      { headers: { cookie, "x-csrf-token": csrf } },
    );
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await api.get("/api/users", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await api.post(`/api/tokens/${created.body.id}/revoke`, undefined, { headers: { cookie, "x-csrf-token": csrf } })).status).toBe(
      200,
    );

    for (const bearer of [token, "rwd_made-up", "not-even-our-format"]) {
      const answers = await everyEndpoint((url) => new Request(url, { headers: { authorization: `Bearer ${bearer}` } }));
      const refused = answers.filter((answer) => !publicEndpoints.has(answer.endpoint));
      expect(refused.filter((answer) => answer.status !== 401)).toEqual([]);
    }
  });

  it("signs an admin in with an HttpOnly, SameSite=Lax session cookie (Secure over https), and out again", async () => {
    const response = await signIn();
    expect(response.status).toBe(200);
    const cookies = cookiesFrom(response);
    const session = cookies.find((cookie) => cookie.startsWith("rewind_session="))!;
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/; Secure/);
    expect(cookies.find((cookie) => cookie.startsWith("rewind_csrf="))).not.toMatch(/HttpOnly/);
    expect((await signIn(adminPassword, { origin: "https://evil.example" })).status).toBe(403);
    const overHttps = cookiesFrom(await signIn(adminPassword, { "x-forwarded-proto": "https" }));
    expect(overHttps.every((cookie) => cookie.includes("; Secure"))).toBe(true);

    const cookie = cookieHeader(cookies);
    const me = await api.get("/api/auth/session", { headers: { cookie } });
    expect(me.body).toEqual({
      kind: "admin",
      email: adminEmail,
      actor: `admin:${adminEmail}`,
      scopes: ["read", "write", "erase", "admin"],
    });
    const signedOut = await api.post("/api/auth/sign-out", undefined, {
      headers: { cookie, "x-csrf-token": cookieValue(cookies, "rewind_csrf") },
    });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.getSetCookie().every((value) => value.includes("Max-Age=0"))).toBe(true);
    expect((await api.get("/api/auth/session", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a wrong password with 401 and never says whether the email exists", async () => {
    const wrong = await signIn("not the password", { "x-forwarded-for": "10.0.0.1" });
    const unknown = await signIn("not the password", { "x-forwarded-for": "10.0.0.2" }, `nobody-${backend.name}@rewind.test`);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await wrong.json()).detail).toBe((await unknown.json()).detail);
    expect(cookiesFrom(wrong)).toEqual([]);
  });

  it("takes changes from a cookie session only with its CSRF token, and only from our own origin", async () => {
    const cookies = cookiesFrom(await signIn());
    const cookie = cookieHeader(cookies);
    const csrf = cookieValue(cookies, "rewind_csrf");
    const register = (headers: Record<string, string>) => api.post("/api/users", newUserInput(), { headers: { cookie, ...headers } });
    expect((await register({})).status).toBe(403);
    expect((await register({ "x-csrf-token": "guess" })).status).toBe(403);
    // As long as the token in characters, longer in bytes: refused, not a 500.
    expect((await register({ "x-csrf-token": "é".repeat(csrf.length) })).status).toBe(403);
    expect((await register({ "x-csrf-token": csrf, origin: "https://evil.example" })).status).toBe(403);
    const accepted = await register({ "x-csrf-token": csrf, origin: "http://rewind.test" });
    expect(accepted.status).toBe(201);
    // Reads need no CSRF token; the signed-in admin is the actor of what they did.
    const events = await api.get(`/api/users/${accepted.body.id}/events`, { headers: { cookie } });
    expect(events.body.items[0].metadata.actor).toBe(`admin:${adminEmail}`);
  });

  it("lets only an admin create or revoke tokens, shows a token's secret once and never its hash", async () => {
    const cookies = cookiesFrom(await signIn());
    const headers = { cookie: cookieHeader(cookies), "x-csrf-token": cookieValue(cookies, "rewind_csrf") };
    const created = await api.post("/api/tokens", { name: "reports export", scopes: ["read", "write", "erase", "admin"] }, { headers });
    expect(created.body.token).toMatch(/^rwd_[A-Za-z0-9_-]{43}$/);
    const listed = await api.get("/api/tokens", { headers });
    expect(listed.text).not.toContain(created.body.token);
    expect(listed.text).not.toMatch(/hash/i);
    expect(listed.body.items.find((item: { id: string }) => item.id === created.body.id)).toMatchObject({
      name: "reports export",
      createdBy: adminEmail,
      revokedAt: null,
    });
    const asService = { authorization: `Bearer ${created.body.token}` };
    expect((await api.post("/api/tokens", { name: "escalation", scopes: ["read"] }, { headers: asService })).status).toBe(403);
    expect((await api.post(`/api/tokens/${created.body.id}/revoke`, undefined, { headers: asService })).status).toBe(403);
    expect((await api.post("/api/tokens", { name: "" }, { headers })).status).toBe(400);
    expect((await api.post("/api/tokens/00000000-0000-4000-8000-000000000009/revoke", undefined, { headers })).status).toBe(404);
  });

  it("limits failed sign-ins: the sixth attempt within 15 minutes gets 429 with Retry-After, even with the right password", async () => {
    const email = `locked-${backend.name}@rewind.test`;
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: email, ADMIN_PASSWORD: adminPassword });
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await signIn("wrong", { "x-forwarded-for": `10.9.9.${attempt}` }, email)).status).toBe(401);
    const limited = await signIn(adminPassword, { "x-forwarded-for": "10.9.9.99" }, email);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
  });

  it("never shows a password hash, a token's hash or a user's key in any answer", async () => {
    const cookies = cookiesFrom(await signIn());
    const headers = { cookie: cookieHeader(cookies), "x-csrf-token": cookieValue(cookies, "rewind_csrf") };
    const user = (await api.post("/api/users", newUserInput(), { headers })).body;
    await api.post(`/api/users/${user.id}/change-password`, { password: "another long password" }, { headers });
    await api.post("/api/tokens", { name: "to be listed", scopes: ["read"] }, { headers });
    const database = await getDatabase();
    const secrets = [
      ...(await database.query<{ s: string }>("SELECT password_hash AS s FROM admins")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT token_hash AS s FROM api_tokens")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT encode(key, 'base64') AS s FROM user_keys")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT encode(key, 'hex') AS s FROM user_keys")).map((row) => row.s),
    ];
    expect(secrets.length).toBeGreaterThan(4);
    const answers = await Promise.all(
      [
        "/api/users",
        `/api/users/${user.id}`,
        `/api/users/${user.id}?version=1`,
        `/api/users/${user.id}/events`,
        `/api/users/${user.id}/export`,
        "/api/events?after=0&limit=1000",
        "/api/audit?limit=200",
        "/api/tokens",
        "/api/auth/session",
      ].map((path) => api.get(path, { headers })),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain("scrypt$");
      for (const secret of secrets) expect(answer.text).not.toContain(secret);
    }
  });

  it("creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, resets its password from them, and otherwise generates one once", async () => {
    const database = await getDatabase();
    await database.query("DELETE FROM api_tokens");
    await database.query("DELETE FROM admins");
    const generated = await ensureFirstAdmin(database, {});
    expect(generated).toMatchObject({
      email: "admin@rewind.local",
      change: "created",
      generatedPassword: expect.stringMatching(/^.{20}$/),
    });
    expect(await ensureFirstAdmin(database, {})).toBeUndefined();
    expect((await signIn(generated!.generatedPassword!, {}, "admin@rewind.local")).status).toBe(200);
    // The generated password is left in a file only its owner reads, not in the log.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "rewind-admin-")), "nested", "initial-admin-password");
    expect(await writeInitialAdminPassword(generated!.generatedPassword!, file)).toBe(file);
    expect(readFileSync(file, "utf8")).toBe(`${generated!.generatedPassword}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect(await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword })).toMatchObject({
      change: "created",
    });
    const signedIn = await signIn();
    expect(signedIn.status).toBe(200);
    const session = cookieHeader(cookiesFrom(signedIn));
    expect(await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword })).toMatchObject({
      change: "unchanged",
    });
    expect(await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "a brand new password" })).toMatchObject({
      change: "password updated",
    });
    expect((await call("GET", "/api/auth/session", { headers: { cookie: session } })).status).toBe(401);
    await expect(ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail })).rejects.toThrow(/both/);
    await expect(ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "short" })).rejects.toThrow(/12 characters/);
    const stored = await database.query<{ password_hash: string }>("SELECT password_hash FROM admins");
    expect(stored.every((row) => row.password_hash.startsWith("scrypt$"))).toBe(true);
  });
});
