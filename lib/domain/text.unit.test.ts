import { describe, expect, it } from "vitest";
import { composed, textProblem } from "./text";
import { normaliseEmail, normaliseName, normaliseReason, checkPasswordRule } from "./users";

describe("the text rule", () => {
  it.each([
    ["plain text", "Ada Lovelace"],
    ["letters of any script", "Ἀριστοτέλης 孔子 Ada"],
    ["an emoji (a well-formed surrogate pair)", "Rocket \ud83d\ude80"],
    ["a non-breaking space and a zero-width joiner", "a\u00a0b\u200dc"],
  ])("accepts %s", (_, value) => {
    expect(textProblem(value)).toBeUndefined();
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["the last C0 control", "a\u001fb"],
    ["DEL", "a\u007fb"],
    ["the first C1 control", "a\u0080b"],
    ["the last C1 control", "a\u009fb"],
    ["a line feed", "a\nb"],
    ["a tab", "a\tb"],
  ])("refuses %s", (_, value) => {
    expect(textProblem(value)).toBe("must not contain control characters");
  });

  it.each([
    ["a high surrogate alone", "a\ud800"],
    ["a low surrogate alone", "\udc00a"],
    ["two high surrogates", "\ud83d\ud83d"],
    ["a pair the wrong way round", "\ude80\ud83d"],
  ])("refuses %s, whatever controls are allowed", (_, value) => {
    for (const controls of ["none", "line breaks", "any"] as const) {
      expect(textProblem(value, { controls })).toBe("must not contain a lone surrogate (half of a UTF-16 pair)");
    }
  });

  it("lets prose hold tabs and line breaks, and nothing else of C0", () => {
    expect(textProblem("line one\r\nline\ttwo", { controls: "line breaks" })).toBeUndefined();
    expect(textProblem("a\u0000b", { controls: "line breaks" })).toBe("must not contain control characters");
    expect(textProblem("a\u0085b", { controls: "line breaks" })).toBe("must not contain control characters");
    expect(textProblem("a\u0000b", { controls: "any" })).toBeUndefined();
  });

  it("composes to NFC", () => {
    expect(composed("e\u0301")).toBe("\u00e9");
    expect(composed("Ame\u0301lie")).toBe(composed("Am\u00e9lie"));
    expect(composed("\u1100\u1161")).toBe("\uac00");
  });
});

describe("the user fields follow it (the demo data and every command go through them)", () => {
  it("compose names, emails and reasons", () => {
    expect(normaliseName(" Zoe\u0308 ")).toEqual({ value: "Zo\u00eb" });
    expect(normaliseEmail(" JOSE\u0301@Example.com")).toEqual({ value: "jos\u00e9@example.com" });
    expect(normaliseReason("Asked twice.\nDone.")).toEqual({ value: "Asked twice.\nDone." });
  });

  it("refuse control characters and lone surrogates with the field's name", () => {
    expect(normaliseName("Ada\u0000").problem).toEqual({
      path: "name",
      message: "Name must not contain control characters",
    });
    expect(normaliseEmail("a\u0085@example.com").problem).toEqual({
      path: "email",
      message: "Email must not contain control characters",
    });
    expect(normaliseReason("left\u0007").problem).toEqual({
      path: "reason",
      message: "Reason must not contain control characters",
    });
    expect(normaliseName("\udc00 Ada").problem?.message).toBe(
      "Name must not contain a lone surrogate (half of a UTF-16 pair)",
    );
    expect(checkPasswordRule("long enough\ud800").problem?.message).toBe(
      "Password must not contain a lone surrogate (half of a UTF-16 pair)",
    );
    expect(checkPasswordRule("long enough\u0000").problem).toBeUndefined();
  });
});
