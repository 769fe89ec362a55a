// The two cookies of a browser session: the HttpOnly session token, and the CSRF token the
// dashboard's scripts read and send back in X-CSRF-Token.
import { csrfCookie, isSecureRequest, sessionCookie } from "./authenticate";

function cookie(
  name: string,
  value: string,
  { httpOnly, maxAgeSeconds, secure }: { httpOnly: boolean; maxAgeSeconds: number; secure: boolean },
) {
  return [
    `${name}=${value}`,
    "Path=/",
    `Max-Age=${maxAgeSeconds}`,
    "SameSite=Lax",
    httpOnly && "HttpOnly",
    secure && "Secure",
  ]
    .filter(Boolean)
    .join("; ");
}

export function sessionCookies(
  request: Request,
  session: { token: string; csrfToken: string; expiresAt: Date },
): string[] {
  const maxAgeSeconds = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
  const secure = isSecureRequest(request);
  return [
    cookie(sessionCookie, session.token, { httpOnly: true, maxAgeSeconds, secure }),
    cookie(csrfCookie, session.csrfToken, { httpOnly: false, maxAgeSeconds, secure }),
  ];
}

export function clearedSessionCookies(request: Request): string[] {
  const secure = isSecureRequest(request);
  return [
    cookie(sessionCookie, "", { httpOnly: true, maxAgeSeconds: 0, secure }),
    cookie(csrfCookie, "", { httpOnly: false, maxAgeSeconds: 0, secure }),
  ];
}

export function withCookies(response: Response, cookies: string[]): Response {
  for (const value of cookies) response.headers.append("set-cookie", value);
  return response;
}
