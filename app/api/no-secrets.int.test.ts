// No password hash, token hash or user key ever leaves the server: every GET the OpenAPI document
// lists (JSON and CSV, with and without time travel, the event stream read for a while, the
// metrics) and the answer of every command it lists is searched for each of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { openApiDocument } from "@/lib/http/openapi/document";
import { api, authorizedRequest, call, newUserInput, type ApiResponse } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { feedShowsEverything } from "@/lib/testing/projections";
import { GET as eventStream } from "./events/stream/route";
import { POST as signInRoute } from "./auth/sign-in/route";

type Operation = "get" | "post" | "put" | "patch" | "delete";
const operationsOf = (method: Operation) =>
  Object.entries(openApiDocument().paths ?? {})
    .filter(([, item]) => item && method in item)
    .map(([template]) => template);

/** The event stream's first `messages` messages, as the raw text a browser would get. */
async function readEventStream(messages: number): Promise<string> {
  const abort = new AbortController();
  const response = await eventStream(
    await authorizedRequest("http://rewind.test/api/events/stream?after=0", { signal: abort.signal }),
    {
      params: Promise.resolve({}),
    },
  );
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + 20_000;
  while ((text.match(/^data:/gm) ?? []).length < messages) {
    if (Date.now() > deadline)
      throw new Error(`the event stream sent ${text.length} characters, not ${messages} messages`);
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  abort.abort();
  await reader.cancel().catch(() => {});
  return text;
}

describe.each(testBackends())("secrets on $name", (backend) => {
  const adminEmail = `secrets-${backend.name}@rewind.test`;
  const adminPassword = "a long enough admin password";

  beforeAll(async () => {
    provideDatabase(await backend.open());
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword });
  });
  afterAll(() => closeDatabase());

  it("never shows a password hash, a token's hash or a user's key in any answer the API documents", async () => {
    const signedIn = await signInRoute(
      new Request("http://rewind.test/api/auth/sign-in", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: adminEmail, password: adminPassword }),
      }),
      { params: Promise.resolve({}) },
    );
    expect(signedIn.status).toBe(200);
    const setCookies = signedIn.headers.getSetCookie();
    const cookieValue = (name: string) =>
      setCookies
        .find((cookie) => cookie.startsWith(`${name}=`))!
        .split(";")[0]!
        .slice(name.length + 1);
    const session = {
      cookie: setCookies.map((cookie) => cookie.split(";")[0]).join("; "),
      "x-csrf-token": cookieValue("rewind_csrf"),
    };
    const answers: { what: string; response: Pick<ApiResponse, "status" | "text"> }[] = [
      { what: "POST /api/auth/sign-in", response: { status: signedIn.status, text: await signedIn.text() } },
    ];
    const record = async (what: string, answer: Promise<ApiResponse>) => {
      const response = await answer;
      answers.push({ what, response });
      return response;
    };

    // Every command the document lists, with the answer it gives (the session's for the admin's own).
    const user = (await record("POST /api/users", api.post("/api/users", newUserInput()))).body as { id: string };
    const forgotten = (await api.post("/api/users", newUserInput())).body as { id: string };
    // The instant is kept to the millisecond, the events to the microsecond: clear of the registrations.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const registeredAt = new Date().toISOString();
    const at = `?at=${encodeURIComponent(registeredAt)}`;
    const token = (
      await record(
        "POST /api/tokens",
        api.post("/api/tokens", { name: "listed", scopes: ["read"] }, { headers: session }),
      )
    ).body as {
      id: string;
    };
    const deactivationsByCategory = {
      name: "Deactivations per month by category",
      eventTypes: ["user.deactivated"],
      count: "events",
      period: "month",
      groupBy: "data.category",
    };
    const report = (
      await record("POST /api/reports/definitions", api.post("/api/reports/definitions", deactivationsByCategory))
    ).body as {
      id: number;
    };
    const commands: Record<string, () => Promise<ApiResponse>> = {
      "/api/users/{id}": () => api.put(`/api/users/${user.id}`, { name: "Put Name" }),
      "/api/users/{id}/rename": () => api.post(`/api/users/${user.id}/rename`, { name: "Renamed" }),
      "/api/users/{id}/change-email": () =>
        api.post(`/api/users/${user.id}/change-email`, { email: newUserInput().email }),
      "/api/users/{id}/change-password": () =>
        api.post(`/api/users/${user.id}/change-password`, { password: "another long password" }),
      "/api/users/{id}/deactivate": () => api.post(`/api/users/${user.id}/deactivate`, { reason: "checking answers" }),
      "/api/users/{id}/reactivate": () => api.post(`/api/users/${user.id}/reactivate`, {}),
      "/api/users/{id}/forget": () => api.post(`/api/users/${forgotten.id}/forget`),
      "/api/projections/{name}/rebuild": () =>
        api.post("/api/projections/name_changes/rebuild", undefined, { headers: session }),
      "/api/tokens/{id}/revoke": () => api.post(`/api/tokens/${token.id}/revoke`, undefined, { headers: session }),
      "/api/reports/definitions/{id}": () =>
        api.put(`/api/reports/definitions/${report.id}`, { ...deactivationsByCategory, period: "week" }),
    };
    // Measured elsewhere: the benchmark's echo answers what it is sent (404 outside benchmarks);
    // sign-in (above) and sign-out (last, it ends the session) are sent as they must be.
    const sentApart = new Set([
      "/api/bench/echo",
      "/api/users",
      "/api/tokens",
      "/api/auth/sign-in",
      "/api/auth/sign-out",
      "/api/reports/definitions",
    ]);
    const documented = [
      ...operationsOf("post"),
      ...operationsOf("put"),
      ...operationsOf("patch"),
      ...operationsOf("delete"),
    ];
    expect(documented.filter((template) => !(template in commands) && !sentApart.has(template))).toEqual([]);
    // Dry runs (decisions 026 and 028) show the events they would record and the state after: a
    // password's hash, a token's secret or hash must not be among them. Every documented command has one.
    const deactivated = (await api.post("/api/users", newUserInput())).body as { id: string };
    await api.post(`/api/users/${deactivated.id}/deactivate`, { reason: "to reactivate" });
    const dryRuns: Record<string, () => Promise<ApiResponse>> = {
      "POST /api/users": () => api.post("/api/users?dryRun=true", newUserInput()),
      "PUT /api/users/{id}": () => api.put(`/api/users/${user.id}?dryRun=true`, { name: "Dry Put" }),
      "POST /api/users/{id}/rename": () => api.post(`/api/users/${user.id}/rename?dryRun=true`, { name: "Dry" }),
      "POST /api/users/{id}/change-email": () =>
        api.post(`/api/users/${user.id}/change-email?dryRun=true`, { email: newUserInput().email }),
      "POST /api/users/{id}/change-password": () =>
        api.post(`/api/users/${user.id}/change-password?dryRun=true`, { password: "yet another long password" }),
      "POST /api/users/{id}/deactivate": () =>
        api.post(`/api/users/${user.id}/deactivate?dryRun=true`, { reason: "dry" }),
      "POST /api/users/{id}/reactivate": () => api.post(`/api/users/${deactivated.id}/reactivate?dryRun=true`),
      "POST /api/users/{id}/forget": () => api.post(`/api/users/${user.id}/forget?dryRun=true`),
      "POST /api/tokens": () =>
        api.post("/api/tokens?dryRun=true", { name: "dry", scopes: ["read", "admin"] }, { headers: session }),
      "POST /api/tokens/{id}/revoke": () =>
        api.post(`/api/tokens/${token.id}/revoke?dryRun=true`, undefined, { headers: session }),
      "POST /api/reports/definitions": () => api.post("/api/reports/definitions?dryRun=true", deactivationsByCategory),
      "PUT /api/reports/definitions/{id}": () =>
        api.put(`/api/reports/definitions/${report.id}?dryRun=true&version=1`, deactivationsByCategory),
      "DELETE /api/reports/definitions/{id}": () => call("DELETE", `/api/reports/definitions/${report.id}?dryRun=true`),
      "POST /api/projections/{name}/rebuild": () =>
        api.post("/api/projections/name_changes/rebuild?dryRun=true", undefined, { headers: session }),
    };
    // Sessions are no commands of the model, and the benchmark's echo changes nothing: no dry run.
    const withoutDryRun = new Set(["/api/bench/echo", "/api/auth/sign-in", "/api/auth/sign-out"]);
    const documentedCommands = (["post", "put", "patch", "delete"] as const).flatMap((method) =>
      operationsOf(method)
        .filter((template) => !withoutDryRun.has(template))
        .map((template) => `${method.toUpperCase()} ${template}`),
    );
    expect(documentedCommands.filter((operation) => !(operation in dryRuns))).toEqual([]);
    for (const [operation, send] of Object.entries(dryRuns)) {
      const previewed = await record(`dry run ${operation}`, send());
      expect(previewed.body?.dryRun, `dry run ${operation}: ${previewed.text}`).toBe(true);
      expect(previewed.text, operation).not.toContain("rwd_");
    }
    for (const [template, send] of Object.entries(commands)) await record(`command ${template}`, send());

    // Every GET the document lists; the time-travel and CSV variants of those that have them.
    await feedShowsEverything(await getDatabase());
    const variants: Record<string, string[]> = {
      "/api/users": ["", at],
      "/api/users/{id}": ["", "?version=1", at],
      "/api/events": ["?after=0&limit=1000"],
      "/api/audit": ["?limit=200"],
      "/api/reports/name-changes": ["", "?format=csv"],
      "/api/reports/activity": ["", "?format=csv", `?asOf=${encodeURIComponent(new Date().toISOString())}`],
      "/api/reports/cohorts": ["", "?format=csv"],
      "/api/reports/custom/{id}": ["", "?format=csv"],
    };
    const streamed = "/api/events/stream";
    const gets = operationsOf("get");
    expect(gets.length).toBeGreaterThan(15);
    for (const template of gets.filter((template) => template !== streamed)) {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
        if (name === "id") return template.startsWith("/api/reports/") ? String(report.id) : user.id;
        throw new Error(`no sample value for {${name}} in ${template}`);
      });
      for (const query of variants[template] ?? [""])
        await record(`GET ${path}${query}`, api.get(`${path}${query}`, { headers: session }));
    }
    const [logged] = await (
      await getDatabase()
    ).query<{ events: number }>("SELECT count(*)::int AS events FROM events");
    answers.push({ what: `GET ${streamed}`, response: { status: 200, text: await readEventStream(logged!.events) } });
    await record("POST /api/auth/sign-out", call("POST", "/api/auth/sign-out", { headers: session }));

    const database = await getDatabase();
    const secrets = [
      ...(await database.query<{ s: string }>("SELECT password_hash AS s FROM admins")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT token_hash AS s FROM api_tokens")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT encode(key, 'base64') AS s FROM user_keys")).map((row) => row.s),
      ...(await database.query<{ s: string }>("SELECT encode(key, 'hex') AS s FROM user_keys")).map((row) => row.s),
      ...(
        await database.query<{ s: string }>("SELECT data->>'passwordHash' AS s FROM events WHERE data ? 'passwordHash'")
      ).map((row) => row.s),
    ].filter((secret) => secret && secret !== "none");
    // Two admins (the test token's has no password), two tokens, two users' keys, two hashes for the user.
    expect(secrets.length).toBeGreaterThanOrEqual(8);

    expect(
      answers
        .filter(({ response }) => response.status >= 400)
        .map(({ what, response }) => `${what}: ${response.status}`),
    ).toEqual([]);
    expect(answers.length).toBeGreaterThan(30);
    for (const { what, response } of answers) {
      expect(response.text, what).not.toContain("scrypt$");
      for (const secret of secrets)
        expect(response.text.includes(secret), `${what} shows ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
