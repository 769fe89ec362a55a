import { describe, expect, it } from "vitest";
import { InvalidEventStoreArgument } from "./errors";
import { checkEvents, checkExpectedVersion, checkJson } from "./validate";

describe("expected versions", () => {
  it.each([
    ["any", [0, 2_147_483_647]],
    ["no_stream", [0, 0]],
    ["stream_exists", [1, 2_147_483_647]],
    [0, [0, 0]],
    [7, [7, 7]],
  ] as const)("%j allows the head versions %j", (expected, range) => {
    expect(checkExpectedVersion(expected)).toEqual(range);
  });

  it.each([-1, 1.5, Number.NaN, Infinity, "7", "latest", null, undefined, 2 ** 31])("refuses %j", (expected) => {
    expect(() => checkExpectedVersion(expected)).toThrow(InvalidEventStoreArgument);
  });
});

describe("JSON data", () => {
  it("accepts what survives a JSON round trip", () => {
    const value = { a: 1, b: "text ✓ 😀", c: [true, null, { d: -2.5 }], e: {} };
    expect(() => checkJson(value, "data")).not.toThrow();
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it("accepts undefined members, which JSON drops by definition", () => {
    expect(() => checkJson({ a: undefined }, "data")).not.toThrow();
  });

  it("accepts the same object twice when it is not a cycle", () => {
    const shared = { x: 1 };
    expect(() => checkJson({ a: shared, b: shared }, "data")).not.toThrow();
  });

  it.each([
    ["a bigint", { n: 1n }, "data.n"],
    ["Infinity", { n: Infinity }, "data.n"],
    ["a symbol", { s: Symbol("x") }, "data.s"],
    ["a Map", { m: new Map() }, "data.m"],
    ["undefined in an array", { list: [undefined] }, "data.list[0]"],
    ["a NUL in a key", { "a\u0000": 1 }, "data.a\u0000"],
    ["a lone low surrogate", { s: "\udc00" }, "data.s"],
  ])("refuses %s and names where", (_, value, where) => {
    expect(() => checkJson(value, "data")).toThrow(expect.objectContaining({ argument: where }));
  });
});

describe("event lists", () => {
  it("names the offending event", () => {
    expect(() => checkEvents([{ type: "ok", data: {} }, { type: "bad" }])).toThrow(
      expect.objectContaining({ argument: "events[1].data" }),
    );
  });
});
