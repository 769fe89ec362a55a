// Who sent a request: a bearer API token (services) or the session cookie (the dashboard). A
// cookie-authenticated change must also carry the session's CSRF token and come from our origin.
import { timingSafeEqual } from "node:crypto";
import { tokenPrincipal } from "../application/auth/api-tokens";
import type { Principal } from "../application/auth/principal";
import { sessionPrincipal } from "../application/auth/sessions";
import { getDatabase } from "../db";
import { HttpError } from "./errors";

export const sessionCookie = "rewind_session";
export const csrfCookie = "rewind_csrf";
export const csrfHeader = "x-csrf-token";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const separator = part.indexOf("=");
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim() || undefined;
  }
  return undefined;
}

const unauthenticated = (detail: string, bearerError?: string) =>
  new HttpError(
    "unauthenticated",
    detail,
    {},
    {
      "www-authenticate": bearerError ? `Bearer realm="rewind", error="${bearerError}"` : `Bearer realm="rewind"`,
    },
  );

function sameSecret(sent: string, expected: string): boolean {
  // Compared as bytes: a header of the same length in characters may differ in bytes.
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's principal; 401 without valid credentials, 403 for a cookie-authenticated change without CSRF proof. */
export async function authenticate(request: Request): Promise<Principal> {
  const database = await getDatabase();
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S{1,200})\s*$/i.exec(authorization);
    const principal = match ? await tokenPrincipal(database, match[1]!) : undefined;
    if (!principal)
      throw unauthenticated("The API token is not valid (unknown, revoked or malformed)", "invalid_token");
    return principal;
  }
  const token = cookieOf(request, sessionCookie);
  const principal = token && token.length <= 200 ? await sessionPrincipal(database, token) : undefined;
  if (!principal || principal.kind !== "admin") {
    throw unauthenticated(
      token ? "Your session has ended: sign in again" : "Sign in, or send an API token as Authorization: Bearer …",
    );
  }
  if (!safeMethods.has(request.method)) {
    refuseForeignOrigin(request);
    const sent = request.headers.get(csrfHeader) ?? "";
    if (!sameSecret(sent, principal.csrfToken))
      throw new HttpError("csrf_failed", `Send the session's CSRF token in ${csrfHeader}`);
  }
  return principal;
}

/** A browser says where a request comes from: one from another site is refused (CSRF). */
export function refuseForeignOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(request.url).origin && origin !== forwardedOrigin(request)) {
    throw new HttpError("csrf_failed", "This request came from another site");
  }
}

/** The origin the browser saw when a reverse proxy sits in front (X-Forwarded-Host/-Proto). */
function forwardedOrigin(request: Request): string | undefined {
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!host) return undefined;
  const protocol = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
  return `${protocol}://${host}`;
}

/** Cookies go over https only when the request came over https (directly or through a proxy). */
export function isSecureRequest(request: Request): boolean {
  return (request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "")) === "https";
}

/** Some things only a person may do (create or revoke tokens): not a service with a token. */
export function requireAdmin(principal: Principal, detail: string): Extract<Principal, { kind: "admin" }> {
  if (principal.kind !== "admin") throw new HttpError("forbidden", detail);
  return principal;
}
