import { describe, expect, it } from "vitest";
import { sameOriginPath } from "./return-path";

describe("the path to return to after signing in", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(sameOriginPath("/admin/tokens")).toBe("/admin/tokens");
    expect(sameOriginPath("/users/1?version=3#history")).toBe("/users/1?version=3#history");
    expect(sameOriginPath("/reports?q=%2F%2Fevil.example")).toBe("/reports?q=%2F%2Fevil.example");
    expect(sameOriginPath("/%09/evil.example/x")).toBe("/%09/evil.example/x");
  });

  it.each([
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r/evil.example/x",
    "/\r\n/evil.example/x",
    "\t//evil.example/x",
    " //evil.example/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "/\\\t\\evil.example/x",
    "https://evil.example/x",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
  ])("sends %j home instead of away", (next) => {
    expect(sameOriginPath(next)).toBe("/");
    expect(sameOriginPath(next, "https://rewind.example.com")).toBe("/");
  });

  it("refuses anything but one string", () => {
    expect(sameOriginPath(undefined)).toBe("/");
    expect(sameOriginPath(["/a", "/b"])).toBe("/");
  });
});
