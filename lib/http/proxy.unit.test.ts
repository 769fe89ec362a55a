// The edge in front of pages and the API: a path that is not UTF-8 is refused as a 404 there, since
// Next.js would otherwise answer its own plain-text 500 before any route runs.
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "../../proxy";

const at = (path: string, headers: Record<string, string> = {}) =>
  proxy(new NextRequest(`http://127.0.0.1:3000${path}`, { headers }));

describe("the proxy", () => {
  it("answers a 404 problem for an API path that is not UTF-8 (the bytes of a lone surrogate), with a correlation id", async () => {
    for (const path of [
      "/api/users/%ED%B0%80",
      "/api/users/%ED%A0%80/rename",
      "/api/tokens/%FF/revoke",
      "/api/projections/%C3/rebuild",
    ]) {
      const response = at(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { status: number; type: string; correlationId: string };
      expect(problem).toMatchObject({ status: 404, type: "https://rewind.dev/problems/not-found" });
      expect(response.headers.get("x-correlation-id")).toBe(problem.correlationId);
    }
  });

  it("answers 404 for a page path that is not UTF-8, signed in or not, instead of sending it to sign-in", () => {
    expect(at("/users/%ED%A0%80").status).toBe(404);
    expect(at("/users/%ED%A0%80", { cookie: "rewind_session=x" }).status).toBe(404);
  });

  it("lets well-formed paths through: API untouched, pages with their CSP, signed-out pages to sign-in", () => {
    const api = at("/api/users/%C3%A9");
    expect(api.status).toBe(200);
    expect(api.headers.get("x-middleware-next")).toBe("1");
    expect(api.headers.get("content-security-policy")).toBeNull();
    const page = at("/users/abc", { cookie: "rewind_session=x" });
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(at("/users/abc").status).toBe(307);
  });
});
