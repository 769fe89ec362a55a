// The one wrapper every route handler goes through: correlation id in, authentication (unless the
// route is public), problem+json out.
import type { Principal } from "../application/auth/principal";
import { authenticate } from "./authenticate";
import { HttpError, problemFor } from "./errors";
import { correlationIdOf } from "./request";

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

function wrap<Params>(run: (request: Request, params: Params, correlationId: string) => Promise<Response>): Wrapped<Params> {
  return async (request, context) => {
    const correlationId = correlationIdOf(request);
    let response: Response;
    try {
      response = await run(request, await context.params, correlationId);
    } catch (error) {
      response = problemFor(error, correlationId);
    }
    response.headers.set("x-correlation-id", correlationId);
    return response;
  };
}

/** A route for signed-in admins and API tokens only (every route but a few public ones). */
export function route<Params = Record<string, never>>(
  handler: (request: Request, params: Params, context: HandlerContext) => Promise<Response>,
): Wrapped<Params> {
  return wrap(async (request, params, correlationId) => {
    const principal = await authenticate(request);
    return handler(request, params, { correlationId, principal });
  });
}

/** A route anyone may call: health, and signing in. */
export function publicRoute<Params = Record<string, never>>(
  handler: (request: Request, params: Params, context: PublicHandlerContext) => Promise<Response>,
): Wrapped<Params> {
  return wrap((request, params, correlationId) => handler(request, params, { correlationId }));
}

/** A handler for the methods a route does not support: 405 with the ones it does (401 first without credentials). */
export function methodNotAllowed(allowed: string[]) {
  return route(async (request) => {
    throw new HttpError(
      "method_not_allowed",
      `${request.method} is not supported here; use ${allowed.join(" or ")}`,
      {},
      { allow: allowed.join(", ") },
    );
  });
}
