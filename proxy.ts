// In front of every page: a fresh CSP nonce per request (Next.js puts it on its own scripts), and a
// quick redirect to sign-in when there is no session cookie at all. Whether a session is valid is
// checked by each page and API route themselves — this is only the network edge.
import { NextResponse, type NextRequest } from "next/server";
import { withStrictTransportSecurity } from "./lib/http/trusted-proxy";

const isDevelopment = process.env.NODE_ENV === "development";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
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
  // Pages only: not the API (JSON answers get their headers from next.config.js) nor static files.
  matcher: [{ source: "/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)" }],
};
