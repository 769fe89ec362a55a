import { describe, expect, it } from "vitest";
import { userEventSchemaVersions } from "./events";
import { UnknownSchemaVersion, upcastUserEventData } from "./upcasters";

describe("upcasting user events", () => {
  it("turns a version 1 deactivation (a reason only) into version 2 with an unspecified category", () => {
    expect(upcastUserEventData("user.deactivated", 1, { reason: "moved away" })).toEqual({ reason: "moved away", category: "unspecified" });
  });

  it("treats an event without a recorded schema version as version 1", () => {
    expect(upcastUserEventData("user.deactivated", undefined, { reason: "x" })).toEqual({ reason: "x", category: "unspecified" });
  });

  it("leaves events already in the current version untouched (the same object)", () => {
    const current = { reason: "spam", category: "policy" };
    expect(upcastUserEventData("user.deactivated", userEventSchemaVersions["user.deactivated"], current)).toBe(current);
    const renamed = { name: "B", previousName: "A" };
    expect(upcastUserEventData("user.renamed", 1, renamed)).toBe(renamed);
  });

  it("passes other streams' events through, and refuses a version it has no path from", () => {
    const data = { tokenId: "t" };
    expect(upcastUserEventData("admin.api_token_created", 1, data)).toBe(data);
    expect(() => upcastUserEventData("user.deactivated", 0, { reason: "x" })).toThrow(UnknownSchemaVersion);
  });
});
