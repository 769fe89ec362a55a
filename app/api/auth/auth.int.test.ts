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

const publicEndpoints = new Set([
  "GET /api/health",
  "GET /api/ready",
  "GET /api/openapi.json",
  "POST /api/auth/sign-in",
]);

type Handler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

interface Answer {
  endpoint: string;
  status: number;
  type: string | null;
  cacheControl: string | null;
  hsts: string | null;
}

async function everyEndpoint(send: (url: string) => Request, base = "http://rewind.test"): Promise<Answer[]> {
  const answers = [];
  for (const { url, file, params } of routeFiles()) {
    const routeModule = (await import(file)) as Record<string, Handler | undefined>;
    for (const method of methods) {
      const handler = routeModule[method];
      if (!handler) continue;
      const sent = send(`${base}${url}`);
      const request = new Request(sent, {
        method,
        body: method === "GET" ? undefined : "{}",
        headers: { "content-type": "application/json", ...Object.fromEntries(sent.headers) },
      });
      const response = await handler(request, { params: Promise.resolve(params) });
      answers.push({
        endpoint: `${method} ${url.replace(/\/00000000-0000-4000-8000-000000000001/g, "/:id")}`,
        status: response.status,
        type: response.headers.get("content-type"),
        cacheControl: response.headers.get("cache-control"),
        hsts: response.headers.get("strict-transport-security"),
      });
    }
  }
  return answers;
}

const cookiesFrom = (response: Response) => response.headers.getSetCookie();

/** Runs `work` with REWIND_TRUST_PROXY set as given (read on each request), then restores it. */
async function withTrustedProxies<T>(hops: string | undefined, work: () => Promise<T>): Promise<T> {
  const before = process.env.REWIND_TRUST_PROXY;
  if (hops === undefined) delete process.env.REWIND_TRUST_PROXY;
  else process.env.REWIND_TRUST_PROXY = hops;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.REWIND_TRUST_PROXY;
    else process.env.REWIND_TRUST_PROXY = before;
  }
}
const cookieHeader = (setCookies: string[]) => setCookies.map((cookie) => cookie.split(";")[0]).join("; ");
const cookieValue = (setCookies: string[], name: string) =>
  setCookies
    .find((cookie) => cookie.startsWith(`${name}=`))!
    .split(";")[0]!
    .slice(name.length + 1);

describe.each(testBackends())("authentication on $name", (backend) => {
  // Each backend's admins get their own emails, so that a failure names its backend.
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
    expect(
      (
        await api.post(`/api/tokens/${created.body.id}/revoke`, undefined, {
          headers: { cookie, "x-csrf-token": csrf },
        })
      ).status,
    ).toBe(200);

    for (const bearer of [token, "rwd_made-up", "not-even-our-format"]) {
      const answers = await everyEndpoint(
        (url) => new Request(url, { headers: { authorization: `Bearer ${bearer}` } }),
      );
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
    const unknown = await signIn(
      "not the password",
      { "x-forwarded-for": "10.0.0.2" },
      `nobody-${backend.name}@rewind.test`,
    );
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await wrong.json()).detail).toBe((await unknown.json()).detail);
    expect(cookiesFrom(wrong)).toEqual([]);
  });

  it("takes changes from a cookie session only with its CSRF token, and only from our own origin", async () => {
    const cookies = cookiesFrom(await signIn());
    const cookie = cookieHeader(cookies);
    const csrf = cookieValue(cookies, "rewind_csrf");
    const register = (headers: Record<string, string>) =>
      api.post("/api/users", newUserInput(), { headers: { cookie, ...headers } });
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
    const created = await api.post(
      "/api/tokens",
      { name: "reports export", scopes: ["read", "write", "erase", "admin"] },
      { headers },
    );
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
    expect(
      (await api.post("/api/tokens", { name: "escalation", scopes: ["read"] }, { headers: asService })).status,
    ).toBe(403);
    expect((await api.post(`/api/tokens/${created.body.id}/revoke`, undefined, { headers: asService })).status).toBe(
      403,
    );
    expect((await api.post("/api/tokens", { name: "" }, { headers })).status).toBe(400);
    expect(
      (await api.post("/api/tokens/00000000-0000-4000-8000-000000000009/revoke", undefined, { headers })).status,
    ).toBe(404);
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

  it("lets at most five of eight parallel wrong-password sign-ins be tried; the others get 429", async () => {
    const email = `parallel-${backend.name}@rewind.test`;
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: email, ADMIN_PASSWORD: adminPassword });
    const answers = await Promise.all(Array.from({ length: 8 }, () => signIn("wrong", {}, email)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it("never locks the real admin out for failures on made-up emails, with or without X-Forwarded-For", async () => {
    await withTrustedProxies(undefined, async () => {
      for (let i = 0; i < 12; i++) {
        const headers: Record<string, string> = i % 2 ? { "x-forwarded-for": "10.7.7.7" } : {};
        expect((await signIn("guess", headers, `made-up-${i}-${backend.name}@rewind.test`)).status).toBe(401);
      }
      expect((await signIn(adminPassword)).status).toBe(200);
      expect((await signIn(adminPassword, { "x-forwarded-for": "10.7.7.7" })).status).toBe(200);
    });
  });

  it("ignores X-Forwarded-For unless REWIND_TRUST_PROXY is set, and then believes only the entry our proxy wrote", async () => {
    const database = await getDatabase();
    const addressRows = async () =>
      (
        await database.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM sign_in_attempts WHERE kind = 'address'",
        )
      )[0]!.count;
    await database.query("DELETE FROM sign_in_attempts");
    await withTrustedProxies(undefined, async () => {
      expect(
        (await signIn("guess", { "x-forwarded-for": "10.8.8.8" }, `forged-${backend.name}@rewind.test`)).status,
      ).toBe(401);
      expect(await addressRows()).toBe(0);
    });
    await withTrustedProxies("1", async () => {
      // The client writes anything to the left; the proxy appends the address it saw (10.8.8.8).
      for (let i = 0; i < 50; i++) {
        const forged = { "x-forwarded-for": `192.0.2.${i}, 10.8.8.8` };
        expect((await signIn("guess", forged, `spray-${i}-${backend.name}@rewind.test`)).status).toBe(401);
      }
      expect(await addressRows()).toBe(1);
      expect((await signIn(adminPassword, { "x-forwarded-for": "192.0.2.200, 10.8.8.8" })).status).toBe(429);
      expect((await signIn(adminPassword, { "x-forwarded-for": "10.8.8.9" })).status).toBe(200);
    });
  });

  it("marks every answer to a signed-in caller private (no shared cache keeps personal data), GET /api/users/:id included", async () => {
    const cookies = cookiesFrom(await signIn());
    const headers = { cookie: cookieHeader(cookies), "x-csrf-token": cookieValue(cookies, "rewind_csrf") };
    const user = (await api.post("/api/users", newUserInput(), { headers })).body;
    const one = await api.get(`/api/users/${user.id}`, { headers });
    expect(one.headers.get("cache-control")).toBe("private, no-cache");
    const notModified = await api.get(`/api/users/${user.id}`, {
      headers: { ...headers, "if-none-match": one.headers.get("etag")! },
    });
    expect([notModified.status, notModified.headers.get("cache-control")]).toEqual([304, "private, no-cache"]);
    const answers = await everyEndpoint((url) => new Request(url, { headers: { cookie: headers.cookie } }));
    const authenticated = answers.filter((answer) => !publicEndpoints.has(answer.endpoint));
    expect(authenticated.length).toBeGreaterThan(40);
    expect(authenticated.filter((answer) => !/^private\b/.test(answer.cacheControl ?? ""))).toEqual([]);
    expect((await signIn()).headers.get("cache-control")).toBe("private, no-store");
  });

  it("sends Strict-Transport-Security over https, or behind a trusted proxy that says https, and never over plain http", async () => {
    const overHttps = await everyEndpoint((url) => new Request(url), "https://rewind.test");
    expect(overHttps.filter((answer) => answer.hsts !== "max-age=31536000; includeSubDomains")).toEqual([]);
    const forwarded = (url: string) => new Request(url, { headers: { "x-forwarded-proto": "https" } });
    await withTrustedProxies(undefined, async () => {
      expect((await everyEndpoint((url) => new Request(url))).filter((answer) => answer.hsts !== null)).toEqual([]);
      expect((await everyEndpoint(forwarded)).filter((answer) => answer.hsts !== null)).toEqual([]);
    });
    await withTrustedProxies("1", async () => {
      expect((await everyEndpoint(forwarded)).filter((answer) => answer.hsts === null)).toEqual([]);
    });
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
    expect((await signIn(generated!.generatedPassword, {}, "admin@rewind.local")).status).toBe(200);
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
    expect(
      await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "a brand new password" }),
    ).toMatchObject({
      change: "password updated",
    });
    expect((await call("GET", "/api/auth/session", { headers: { cookie: session } })).status).toBe(401);
    await expect(ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail })).rejects.toThrow(/both/);
    await expect(ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "short" })).rejects.toThrow(
      /12 characters/,
    );
    const stored = await database.query<{ password_hash: string }>("SELECT password_hash FROM admins");
    expect(stored.every((row) => row.password_hash.startsWith("scrypt$"))).toBe(true);
  });
});
