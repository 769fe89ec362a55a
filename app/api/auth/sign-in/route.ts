// POST /api/auth/sign-in — an admin signs in with email and password; sets the session cookies
import { signIn } from "@/lib/application/auth";
import { getServices } from "@/lib/application/services";
import { refuseForeignOrigin } from "@/lib/http/authenticate";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, publicRoute } from "@/lib/http/route";
import { sessionCookies, withCookies } from "@/lib/http/session-cookies";
import { clientAddressOf } from "@/lib/http/trusted-proxy";
import { signInBody } from "@/lib/validation/auth";

export const POST = publicRoute(async (request, _params, { correlationId }) => {
  // Another site must not sign a visitor into an account of its choosing.
  refuseForeignOrigin(request);
  const { email, password } = await readJsonBody(request, signInBody);
  // X-Forwarded-For counts only from a trusted proxy (REWIND_TRUST_PROXY); otherwise the email alone is limited.
  const { database } = await getServices();
  const session = await signIn(database, email, password, clientAddressOf(request), correlationId);
  return withCookies(
    Response.json(
      { email: session.email, expiresAt: session.expiresAt.toISOString() },
      { headers: { "cache-control": "private, no-store" } },
    ),
    sessionCookies(request, session),
  );
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
