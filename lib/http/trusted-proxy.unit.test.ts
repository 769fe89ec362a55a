import { describe, expect, it } from "vitest";
import { clientAddressOf, isServedOverHttps, trustedProxyHops } from "./trusted-proxy";

const request = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe("trusted proxies", () => {
  it("trusts no proxy unless REWIND_TRUST_PROXY says how many, and refuses anything but a small number", () => {
    expect(trustedProxyHops({})).toBe(0);
    expect(trustedProxyHops({ REWIND_TRUST_PROXY: "" })).toBe(0);
    expect(trustedProxyHops({ REWIND_TRUST_PROXY: "2" })).toBe(2);
    for (const wrong of ["true", "-1", "1.5", "11", "yes please"])
      expect(() => trustedProxyHops({ REWIND_TRUST_PROXY: wrong })).toThrow(/REWIND_TRUST_PROXY/);
  });

  it("takes the client address from the entry the nearest trusted proxies wrote, never from what the client wrote", () => {
    const forged = request("http://rewind.test/", { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.0.0.2" });
    expect(clientAddressOf(forged, 0)).toBeUndefined();
    expect(clientAddressOf(forged, 1)).toBe("10.0.0.2");
    expect(clientAddressOf(forged, 2)).toBe("203.0.113.5");
    expect(clientAddressOf(request("http://rewind.test/", { "x-forwarded-for": "10.0.0.2" }), 2)).toBeUndefined();
    expect(clientAddressOf(request("http://rewind.test/"), 1)).toBeUndefined();
  });

  it("knows a request came over https from its URL, or from a trusted proxy's X-Forwarded-Proto", () => {
    expect(isServedOverHttps(request("https://rewind.test/"), 0)).toBe(true);
    const forwarded = request("http://rewind.test/", { "x-forwarded-proto": "https" });
    expect(isServedOverHttps(forwarded, 0)).toBe(false);
    expect(isServedOverHttps(forwarded, 1)).toBe(true);
    expect(isServedOverHttps(request("http://rewind.test/", { "x-forwarded-proto": "https, http" }), 1)).toBe(false);
  });
});
