import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forgedCursor, percentEncode, withHostileCharacter } from "./fuzz-arbitraries";

describe("fuzz values", () => {
  it("percent-encode a lone surrogate as its WTF-8 bytes, and everything else as UTF-8", () => {
    expect(percentEncode("\ud800")).toBe("%ED%A0%80");
    expect(percentEncode("\udfff")).toBe("%ED%BF%BF");
    expect(percentEncode("😀")).toBe("%F0%9F%98%80");
    expect(percentEncode("a b/é~")).toBe("a%20b%2F%C3%A9~");
    expect(() => decodeURIComponent(percentEncode("\ud800"))).toThrow(URIError);
  });

  it("put exactly one hostile character into a string", () => {
    for (const value of fc.sample(withHostileCharacter(fc.constant("abc")), { numRuns: 200, seed: 1 })) {
      expect(value.length).toBeGreaterThan(3);
      expect(value.replace(/[^abc]/g, "")).toBe("abc");
    }
  });

  it("forge cursors that decode to the shape the API issues, with wrong parts", () => {
    const decoded = fc
      .sample(forgedCursor, { numRuns: 200, seed: 2 })
      .map((cursor) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    expect(decoded.some((value) => Array.isArray(value) && value.length === 2 && value[1] === "-".repeat(36))).toBe(
      true,
    );
  });
});
