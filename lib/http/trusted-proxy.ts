// What a reverse proxy says about the client (X-Forwarded-For, X-Forwarded-Proto) is believed only
// when REWIND_TRUST_PROXY says how many proxies stand in front of Rewind: anyone can send those
// headers, so without it they are ignored (docs/decisions/008). Pure: also used by proxy.ts.

/** How many reverse proxies stand in front of Rewind (0: none is trusted, the default). */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const value = env.REWIND_TRUST_PROXY?.trim() ?? "";
  if (value === "") return 0;
  if (!/^\d{1,2}$/.test(value) || Number(value) > 10) {
    throw new Error(
      `Invalid configuration: REWIND_TRUST_PROXY must be the number of reverse proxies in front of Rewind (0 to 10), not ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

const listOf = (header: string | null) =>
  (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);

/**
 * The client's address as the trusted proxies saw it: each proxy appends the address it was
 * connected from, so with `hops` proxies it is the `hops`-th entry from the right (entries further
 * left were written by the client, and may be anything). Undefined without trusted proxies.
 */
export function clientAddressOf(request: Request, hops = trustedProxyHops()): string | undefined {
  if (hops === 0) return undefined;
  const entries = listOf(request.headers.get("x-forwarded-for"));
  const address = entries[entries.length - hops];
  return address && address.length <= 100 ? address : undefined;
}

/** Whether the browser's connection was https: the request's own URL, or a trusted proxy's X-Forwarded-Proto. */
export function isServedOverHttps(request: Request, hops = trustedProxyHops()): boolean {
  if (new URL(request.url).protocol === "https:") return true;
  if (hops === 0) return false;
  // The nearest proxy's word (the last entry, should a proxy append rather than replace).
  return listOf(request.headers.get("x-forwarded-proto")).at(-1)?.toLowerCase() === "https";
}

/** One year, this host and its subdomains; not submitted for preloading (that is the operator's choice). */
export const strictTransportSecurity = "max-age=31536000; includeSubDomains";

/** Sets Strict-Transport-Security on an answer served over https (browsers ignore it over http anyway). */
export function withStrictTransportSecurity(request: Request, headers: Headers, hops = trustedProxyHops()): void {
  if (isServedOverHttps(request, hops)) headers.set("strict-transport-security", strictTransportSecurity);
}
