// The name-changes report's default window ends just after its asOf instant, and never past the
// last instant the API takes (fuzzing found asOf=9999-12-31T23:59:59.999Z answering a window that
// ended in year 10000, which no ISO 8601 date-time the OpenAPI document describes can say).
import { describe, expect, it } from "vitest";
import { nameChangesQuery } from "./reports";

describe("the name-changes report's default window", () => {
  it("ends a millisecond after asOf", () => {
    const { to } = nameChangesQuery.parse({ asOf: "2026-06-01T12:00:00.000Z" });
    expect(to.toISOString()).toBe("2026-06-01T12:00:00.001Z");
  });

  it("ends at the last instant the API takes when asOf is that instant", () => {
    const { from, to } = nameChangesQuery.parse({ asOf: "9999-12-31T23:59:59.999Z" });
    expect(to.toISOString()).toBe("9999-12-31T23:59:59.999Z");
    expect(from < to).toBe(true);
  });
});
