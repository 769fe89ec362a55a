// Calls the API's route handlers in-process, as Next.js would, against the test database.
import { randomUUID } from "node:crypto";
import { createApiToken } from "@/lib/application/auth/api-tokens";
import { apiScopes, type ApiScope } from "@/lib/domain/access/scopes";
import { getDatabase } from "@/lib/db";
import { routeFiles } from "./routes";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

// Every route under app/api (but the catch-all 404), found on disk: a new route needs no entry here.
const routes = routeFiles()
  .filter((route) => !route.catchAll)
  .map((route) => ({
    pattern: new RegExp(`^${route.template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)").replaceAll(".", "\\.")}$`),
    module: () => import(/* @vite-ignore */ route.file) as Promise<Record<string, unknown>>,
  }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads the body it expects and checks it with expect
export interface ApiResponse<Body = any> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

/**
 * An admin and an API token with every scope in the current test database, made on first use: what
 * the helpers below send unless a test says otherwise.
 */
const credentialsPerDatabase = new WeakMap<object, Promise<{ adminId: string; token: string }>>();
export async function testCredentials(): Promise<{ adminId: string; token: string }> {
  const database = await getDatabase();
  let credentials = credentialsPerDatabase.get(database);
  if (!credentials) {
    credentials = (async () => {
      const adminId = randomUUID();
      await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, $2, $3)", [
        adminId,
        `tests-${adminId}@rewind.test`,
        "none",
      ]);
      const { token } = await createApiToken(database, "integration tests", apiScopes, adminId);
      return { adminId, token };
    })();
    credentialsPerDatabase.set(database, credentials);
  }
  return credentials;
}

/** Authorization headers for a new API token with just these scopes, made by the test admin. */
export async function tokenWithScopes(scopes: readonly ApiScope[], name = `scoped ${scopes.join(" ") || "none"}`) {
  const { adminId } = await testCredentials();
  const created = await createApiToken(await getDatabase(), name, scopes, adminId);
  return { id: created.id, token: created.token, headers: { authorization: `Bearer ${created.token}` } };
}

/** A request as a service holding the test token would send it. */
export async function authorizedRequest(url: string | URL, init: RequestInit = {}): Promise<Request> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${(await testCredentials()).token}`);
  return new Request(url, { ...init, headers });
}

export interface CallOptions {
  /** "none": send no credentials (the default is the test API token). */
  credentials?: "token" | "none";
  body?: unknown;
  /** Sent as is, without JSON encoding or a content type. */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function call(method: string, pathAndQuery: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = new URL(pathAndQuery, "http://rewind.test");
  const match = routes
    .map(({ pattern, module }) => ({ found: pattern.exec(url.pathname), module }))
    .find(({ found }) => found);
  if (!match) throw new Error(`No route for ${url.pathname}`);
  const handler = (await match.module())[method] as Handler | undefined;
  if (!handler) throw new Error(`${url.pathname} exports no ${method}`);
  const headers = new Headers(options.headers);
  if (options.credentials !== "none" && !headers.has("authorization") && !headers.has("cookie")) {
    headers.set("authorization", `Bearer ${(await testCredentials()).token}`);
  }
  let body: BodyInit | undefined;
  if (options.rawBody !== undefined) body = options.rawBody as BodyInit;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const params = Object.fromEntries(
    Object.entries(match.found!.groups ?? {}).map(([key, value]) => [key, decodeURIComponent(value)]),
  );
  const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const api = {
  get: (path: string, options?: CallOptions) => call("GET", path, options),
  post: (path: string, body?: unknown, options: CallOptions = {}) => call("POST", path, { body, ...options }),
  put: (path: string, body?: unknown, options: CallOptions = {}) => call("PUT", path, { body, ...options }),
};

let userCounter = 0;
/** A valid registration, unique per call. */
export function newUserInput(overrides: Partial<{ name: string; email: string; password: string }> = {}) {
  userCounter++;
  const tag = `${process.pid}-${userCounter}-${Math.random().toString(36).slice(2, 7)}`;
  return {
    name: `Test User ${userCounter}`,
    email: `user-${tag}@example.com`,
    password: "correct horse battery",
    ...overrides,
  };
}

/** A signed-in admin's session, as a browser holds it: the cookies, and the CSRF token a change must echo. */
export async function signedInSession(
  email: string,
  password: string,
): Promise<{ cookie: string; "x-csrf-token": string }> {
  const signedIn = await api.post("/api/auth/sign-in", { email, password }, { credentials: "none" });
  if (signedIn.status !== 200) throw new Error(`Signing in as ${email} answered ${signedIn.status}`);
  const cookies = signedIn.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
  const csrf = cookies.find((cookie) => cookie.startsWith("rewind_csrf="))!.slice("rewind_csrf=".length);
  return { cookie: cookies.join("; "), "x-csrf-token": csrf };
}
