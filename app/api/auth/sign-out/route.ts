// POST /api/auth/sign-out — ends the browser's session and clears its cookies
import { endSession } from "@/lib/application/auth/sessions";
import { getServices } from "@/lib/application/services";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { clearedSessionCookies, withCookies } from "@/lib/http/session-cookies";

export const POST = route("authenticated", async (request, _params, { principal }) => {
  if (principal.kind === "admin") {
    const { database } = await getServices();
    await endSession(database, principal.sessionTokenHash);
  }
  return withCookies(new Response(null, { status: 204 }), clearedSessionCookies(request));
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
