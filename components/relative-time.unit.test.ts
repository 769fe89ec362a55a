import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time";

const now = Date.parse("2026-11-30T12:00:00Z");
const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString();

describe("relativeTime", () => {
  it("reads the past as ago", () => {
    expect(relativeTime(at(-5), now)).toBe("5 seconds ago");
    expect(relativeTime(at(-3 * 3600), now)).toBe("3 hours ago");
  });

  it("reads something recorded a moment after the page's clock last ticked as now, not 'in 1 second'", () => {
    expect(relativeTime(at(1), now)).toBe("now");
    expect(relativeTime(at(45), now)).toBe("now");
  });

  it("still reads a time well ahead as in the future", () => {
    expect(relativeTime(at(2 * 3600), now)).toBe("in 2 hours");
  });
});
