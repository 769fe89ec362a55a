import { describe, expect, it } from "vitest";
import { text } from "./text";

describe("the zod schema for text", () => {
  const field = text("Name", { max: 10 });

  it("gives the composed value", () => {
    expect(field.parse("Rene\u0301")).toBe("Ren\u00e9");
  });

  it("names the field in its problem", () => {
    expect(field.safeParse("a\u0000").error?.issues.map((issue) => issue.message)).toEqual([
      "Name must not contain control characters",
    ]);
    expect(field.safeParse("\ud800").error?.issues.map((issue) => issue.message)).toEqual([
      "Name must not contain a lone surrogate (half of a UTF-16 pair)",
    ]);
    expect(field.safeParse(42).error?.issues.map((issue) => issue.message)).toEqual(["Name must be a string"]);
    expect(field.safeParse("x".repeat(11)).error?.issues.map((issue) => issue.message)).toEqual([
      "Name must be at most 10 characters",
    ]);
  });
});
