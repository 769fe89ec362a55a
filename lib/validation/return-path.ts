// Where to send someone after they sign in (`/sign-in?next=…`): only somewhere on this site. Shared
// by the sign-in page (server) and its form (browser), which both check.

/** Stands for our origin on the server, which may not know the name it is reached by. */
const placeholderOrigin = "http://rewind.invalid";

/**
 * `next` as a path on `origin`, or "/" when it would leave it. It is resolved the way a browser
 * resolves it (tabs and line breaks dropped, backslashes read as slashes, `//host` a new host), so
 * what is checked is where the browser would actually go; the path returned is that resolved form.
 */
export function sameOriginPath(next: unknown, origin: string = placeholderOrigin): string {
  if (typeof next !== "string" || !next.startsWith("/")) return "/";
  let resolved: URL;
  try {
    resolved = new URL(next, origin);
  } catch {
    return "/";
  }
  if (resolved.origin !== new URL(origin).origin) return "/";
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
