// POST /api/auth/sign-out — ends the browser's session and clears its cookies
import { endSession } from "@/lib/application/auth/sessions";
import { getDatabase } from "@/lib/db";
import { methodNotAllowed, route } from "@/lib/http/route";
import { clearedSessionCookies, withCookies } from "@/lib/http/session-cookies";

export const dynamic = "force-dynamic";

export const POST = route("authenticated", async (request, _params, { principal }) => {
  if (principal.kind === "admin") await endSession(await getDatabase(), principal.sessionTokenHash);
  return withCookies(new Response(null, { status: 204 }), clearedSessionCookies(request));
});

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
