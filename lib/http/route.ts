// The one wrapper every route handler goes through: correlation id in, problem+json out.
import { HttpError, problemFor } from "./errors";
import { correlationIdOf } from "./request";

export interface RouteContext<Params> {
  params: Promise<Params>;
}

export function route<Params = Record<string, never>>(
  handler: (request: Request, params: Params, correlationId: string) => Promise<Response>,
): (request: Request, context: RouteContext<Params>) => Promise<Response> {
  return async (request, context) => {
    const correlationId = correlationIdOf(request);
    let response: Response;
    try {
      response = await handler(request, await context.params, correlationId);
    } catch (error) {
      response = problemFor(error, correlationId);
    }
    response.headers.set("x-correlation-id", correlationId);
    return response;
  };
}

/** A handler for the methods a route does not support: 405 with the ones it does. */
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
