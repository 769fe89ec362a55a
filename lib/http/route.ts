// The one wrapper every route handler goes through: correlation id in, authentication and the scope
// the route needs (unless the route is public), problem+json out, and one log line and one latency
// sample per request.
//
// A route file (app/api/**/route.ts) exports each method it serves, wrapped, and answers 405 for the
// others with otherMethodsNotAllowed (Next.js serves a route's methods from named exports):
//
//   export const GET = route("read", async (request) => …);
//   export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
//
// Route files set no `dynamic`: Next.js 16 (without Cache Components) prerenders a route handler only
// when it opts in (`dynamic = "force-static"`, `revalidate`, `generateStaticParams`), so every one of
// ours already runs per request. A new route also adds its template to ./route-templates.ts.
import { hasScope, type Principal } from "../application/auth/principal";
import { onReadSide, primaryLogPosition } from "../application/read-side";
import { isLogPosition, isReplicaFailure, logPositionHeader } from "../db";
import type { ApiScope } from "../domain/access/scopes";
import { logger } from "../observability/logger";
import { metrics } from "../observability/metrics";
import { authenticate } from "./authenticate";
import { HttpError, problemFor } from "./errors";
import { correlationIdOf, validationError } from "./request";
import { routeOf } from "./route-templates";
import { withStrictTransportSecurity } from "./trusted-proxy";

export interface RouteContext<Params> {
  params: Promise<Params>;
}

export interface HandlerContext {
  correlationId: string;
  principal: Principal;
}

export interface PublicHandlerContext {
  correlationId: string;
}

type Wrapped<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

/** The scope a route needs, or "authenticated": any valid credential (who am I, sign out, 404s and 405s). */
export type RouteAccess = ApiScope | "authenticated";

/** A wrapped handler says which scope it needs, so tests and the OpenAPI document can be checked against it. */
export type ScopedRoute<Params> = Wrapped<Params> & { readonly access: RouteAccess };

/**
 * Cache-Control for an answer that may hold personal data: `private` (no shared cache — a proxy or
 * CDN — may keep it), whatever else the handler chose; nothing chosen means not stored at all.
 */
export function privateCacheControl(value: string | null): string {
  const directives = (value ?? "")
    .split(",")
    .map((directive) => directive.trim())
    .filter((directive) => directive !== "" && !/^(public|private|s-maxage=.*)$/i.test(directive));
  return ["private", ...(directives.length > 0 ? directives : ["no-store"])].join(", ");
}

/** Which database answered a read that may use a replica, for the request's log line. */
const readFromOf = new WeakMap<Response, "primary" | "replica">();

/**
 * A request that asks a route for a dry run it does not answer is refused: ignoring `dryRun` would
 * record what the caller only meant to try.
 */
function refuseUnansweredDryRun(request: Request): void {
  if (readOnlyMethods.has(request.method) || !new URL(request.url).searchParams.has("dryRun")) return;
  throw validationError(
    [{ path: "dryRun", message: "This operation has no dry run" }],
    `${request.method} ${new URL(request.url).pathname} has no dry run: only commands answer dryRun=true (decisions 026 and 028); signing in and out open and close a session, which is no command to preview`,
  );
}

function wrap<Params>(
  run: (request: Request, params: Params, correlationId: string) => Promise<Response>,
  { personalData, answersDryRun = false }: { personalData: boolean; answersDryRun?: boolean },
): Wrapped<Params> {
  return async (request, context) => {
    const started = performance.now();
    const correlationId = correlationIdOf(request);
    let response: Response;
    try {
      if (!answersDryRun) refuseUnansweredDryRun(request);
      response = await run(request, await context.params, correlationId);
    } catch (error) {
      response = problemFor(error, correlationId);
    }
    response.headers.set("x-correlation-id", correlationId);
    withStrictTransportSecurity(request, response.headers);
    if (personalData) response.headers.set("cache-control", privateCacheControl(response.headers.get("cache-control")));
    const seconds = (performance.now() - started) / 1000;
    const route = routeOf(new URL(request.url).pathname);
    metrics().httpRequestDuration.observe({ route, method: request.method, status: String(response.status) }, seconds);
    logger().info(
      {
        route,
        method: request.method,
        status: response.status,
        durationMs: Math.round(seconds * 10_000) / 10,
        correlationId,
        readFrom: readFromOf.get(response),
      },
      "request",
    );
    return response;
  };
}

export interface RouteOptions {
  /**
   * Whether this request only reads what a streaming replica may serve (docs/SCALING.md §2): then
   * it reads from the replica, when one is configured and has replayed as far as the client has seen.
   */
  mayReadReplica?: (request: Request) => boolean;
  /** The route answers ?dryRun=true itself (a command: ./dry-run.ts); any other refuses it (400). */
  answersDryRun?: boolean;
}

const readOnlyMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Every request of the route may read from a replica. */
export const anyRead = () => true;

/**
 * Time travel (?version=, ?at= or ?knownAt=). What was known at an instant never changes, so a replica
 * answers ?version= and ?knownAt= exactly; ?at= alone (as known now) can gain a backdated change, which
 * a replica shows once it has replayed it — at once for a client that sends back its log position.
 */
export const timeTravel = (request: Request) => {
  const params = new URL(request.url).searchParams;
  return params.has("version") || params.has("at") || params.has("knownAt");
};

/** The log position the client has seen, sent back on a read (malformed: 400, never ignored). */
function logPositionOf(request: Request): string | undefined {
  const position = request.headers.get(logPositionHeader)?.trim();
  if (position === undefined || position === "") return undefined;
  if (!isLogPosition(position)) {
    throw validationError(
      [{ path: `header ${logPositionHeader}`, message: "Not a log position this API returned (such as 0/16B3748)" }],
      `The ${logPositionHeader} header must be a log position this API returned`,
    );
  }
  return position;
}

/**
 * A route for signed-in admins and API tokens only (every route but a few public ones). `access` is
 * the scope a token needs to call it (403 without); a signed-in admin has every scope.
 */
export function route<Params = Record<string, never>>(
  access: RouteAccess,
  handler: (request: Request, params: Params, context: HandlerContext) => Promise<Response>,
  { mayReadReplica, answersDryRun }: RouteOptions = {},
): ScopedRoute<Params> {
  // Whatever a signed-in caller is shown may hold personal data: every answer is private.
  const wrapped = wrap<Params>(
    async (request, params, correlationId) => {
      const principal = await authenticate(request);
      if (access !== "authenticated" && !hasScope(principal, access)) {
        throw new HttpError(
          "insufficient_scope",
          `This API token lacks the "${access}" scope: create a token that has it`,
          { requiredScope: access },
          { "www-authenticate": `Bearer realm="rewind", error="insufficient_scope", scope="${access}"` },
        );
      }
      const run = () => handler(request, params, { correlationId, principal });
      if (mayReadReplica?.(request)) {
        // An answer such as a 404 is the replica's too, and says as of which position: turned into
        // its problem here. A failure of the database itself goes up, for the read to run again on the primary.
        const answer = () =>
          run().catch((error: unknown) => {
            if (isReplicaFailure(error)) throw error;
            return problemFor(error, correlationId);
          });
        const { result: response, position, servedBy } = await onReadSide(logPositionOf(request), answer);
        if (position !== undefined) {
          response.headers.set(logPositionHeader, position);
          readFromOf.set(response, servedBy);
        }
        return response;
      }
      const response = await run();
      // A command's answer says how far the log had reached once it committed: a read that sends it
      // back is never served by a replica that has not replayed the command yet.
      if (!readOnlyMethods.has(request.method) && response.status < 400) {
        const position = await primaryLogPosition();
        if (position !== undefined) response.headers.set(logPositionHeader, position);
      }
      return response;
    },
    { personalData: true, answersDryRun },
  );
  return Object.assign(wrapped, { access });
}

/** A route anyone may call: health, and signing in. */
export function publicRoute<Params = Record<string, never>>(
  handler: (request: Request, params: Params, context: PublicHandlerContext) => Promise<Response>,
): Wrapped<Params> {
  // A public answer that holds personal data (sign-in's email) says `private` itself.
  return wrap((request, params, correlationId) => handler(request, params, { correlationId }), { personalData: false });
}

/** The methods a route file may export (HEAD and OPTIONS Next.js answers by itself). */
export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof httpMethods)[number];

/** A handler for the methods a route does not support: 405 with the ones it does (401 first without credentials). */
function methodNotAllowed(allowed: readonly HttpMethod[]) {
  return route("authenticated", async (request) => {
    throw new HttpError(
      "method_not_allowed",
      `${request.method} is not supported here; use ${allowed.join(" or ")}`,
      {},
      { allow: allowed.join(", ") },
    );
  });
}

/**
 * The handlers of the methods a route file does not serve, given those it does: each answers 405
 * with Allow naming the served ones. Destructure them into the file's exports.
 */
export function otherMethodsNotAllowed<const Served extends Partial<Record<HttpMethod, unknown>>>(
  served: Served,
): Record<Exclude<HttpMethod, keyof Served>, ScopedRoute<Record<string, never>>> {
  const refuse = methodNotAllowed(httpMethods.filter((method) => method in served));
  return Object.fromEntries(
    httpMethods.filter((method) => !(method in served)).map((method) => [method, refuse]),
  ) as Record<Exclude<HttpMethod, keyof Served>, ScopedRoute<Record<string, never>>>;
}
