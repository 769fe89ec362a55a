// Shared pieces of the users API's route handlers (app/api/users/**): no SQL and no business rules here.
import { actorOf } from "@/lib/application/auth/principal";
import { HttpError, problemFor } from "@/lib/http/errors";
import type { HandlerContext } from "@/lib/http/route";
import { clientHasCurrent, etagOf, idempotencyKeyOf } from "@/lib/http/request";
import { runIdempotently, sha256, type StoredResponse } from "@/lib/application/idempotency";
import type { UserView } from "@/lib/application/users/user-view";
import { userIdPattern } from "@/lib/validation/users";

export function userIdFrom(id: string): string {
  const normalised = id.toLowerCase();
  if (!userIdPattern.test(normalised))
    throw new HttpError("not_found", `There is no user ${JSON.stringify(id).slice(0, 80)}`);
  return normalised;
}

export function userResponse(
  user: UserView,
  init: { status?: number; location?: boolean; request?: Request } = {},
): Response {
  const headers: Record<string, string> = { etag: etagOf(user.version), "cache-control": "private, no-cache" };
  if (init.request && clientHasCurrent(init.request, headers.etag!))
    return new Response(null, { status: 304, headers });
  if (init.location) headers.location = `/api/users/${user.id}`;
  return Response.json(user, { status: init.status ?? 200, headers });
}

async function stored(response: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  for (const name of ["content-type", "etag", "location"]) {
    const value = response.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  return { status: response.status, headers, body: await response.text() };
}

/**
 * Runs `produce` under the request's Idempotency-Key, if it has one: a retry gets the first
 * response (errors included) and nothing runs again.
 */
export async function respondIdempotently(
  request: Request,
  validatedBody: unknown,
  { correlationId, principal }: HandlerContext,
  produce: (commandId: string | undefined) => Promise<Response>,
): Promise<Response> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) return produce(undefined);
  const { pathname } = new URL(request.url);
  // Keys are the caller's own: the same key from another admin or token is another request.
  const scopedKey = `${actorOf(principal)} ${request.method} ${pathname} ${key}`;
  const fingerprint = sha256(
    `${request.method} ${pathname} ${request.headers.get("if-match") ?? ""} ${JSON.stringify(validatedBody)}`,
  );
  const { response, replayed } = await runIdempotently(scopedKey, fingerprint, async (commandId) => {
    try {
      return await stored(await produce(commandId));
    } catch (error) {
      return stored(problemFor(error, correlationId));
    }
  });
  return new Response(response.body, {
    status: response.status,
    headers: { ...response.headers, "idempotent-replayed": String(replayed) },
  });
}
