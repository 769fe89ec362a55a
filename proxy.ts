// In front of every page: a fresh CSP nonce per request (Next.js puts it on its own scripts), and a
// quick redirect to sign-in when there is no session cookie at all. Whether a session is valid is
// checked by each page and API route themselves — this is only the network edge.
import { NextResponse, type NextRequest } from "next/server";
import { HttpError, problemFor } from "./lib/http/errors";
import { correlationIdOf } from "./lib/http/request";
import { withStrictTransportSecurity } from "./lib/http/trusted-proxy";

const isDevelopment = process.env.NODE_ENV === "development";

/** Whether the path's percent-escapes decode to UTF-8: no resource has a path that does not. */
function isDecodablePath(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

// Next.js decodes the path to match a route and answers its own plain-text 500 when it cannot, before
// any of our code runs: such a path is refused here as what it is, a path that names nothing.
function undecodablePath(request: NextRequest): Response {
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const correlationId = correlationIdOf(request);
    const problem = problemFor(
      new HttpError("not_found", "No resource has a path that is not valid UTF-8"),
      correlationId,
    );
    problem.headers.set("x-correlation-id", correlationId);
    return problem;
  }
  return new NextResponse("Not found: the path is not valid UTF-8.", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (!isDecodablePath(pathname)) return undecodablePath(request);
  // The API's answers get their headers from next.config.js and the route wrapper.
  if (pathname.startsWith("/api/")) return NextResponse.next();
  const isPublicPage = pathname === "/sign-in" || pathname === "/docs/api";
  if (!pathname.startsWith("/api/") && !isPublicPage && !request.cookies.has("rewind_session")) {
    const signIn = new URL("/sign-in", request.url);
    if (pathname !== "/") signIn.searchParams.set("next", pathname + search);
    const redirect = NextResponse.redirect(signIn);
    withStrictTransportSecurity(request, redirect.headers);
    return redirect;
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next.js loads from its nonce'd bootstrap may load their chunks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDevelopment ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes (the chart library sets them) cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  withStrictTransportSecurity(request, response.headers);
  return response;
}

export const config = {
  // Pages, and the API only for the path check above; not static files.
  matcher: [{ source: "/((?!_next/static|_next/image|icon.svg|favicon.ico).*)" }],
};
