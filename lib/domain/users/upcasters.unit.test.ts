import { describe, expect, it } from "vitest";
import { userEventSchemaVersions } from "./events";
import { UnknownSchemaVersion, upcastUserEventData } from "./upcasters";

const recorded = { recordedAt: "2025-03-01T10:00:00.000Z" };

describe("upcasting user events", () => {
  it("turns a version 1 deactivation (a reason only) into today's: an unspecified category, effective when recorded", () => {
    expect(upcastUserEventData("user.deactivated", 1, { reason: "moved away" }, recorded)).toEqual({
      reason: "moved away",
      category: "unspecified",
      effectiveAt: recorded.recordedAt,
    });
  });

  it("treats an event without a recorded schema version as version 1", () => {
    expect(upcastUserEventData("user.deactivated", undefined, { reason: "x" }, recorded)).toEqual({
      reason: "x",
      category: "unspecified",
      effectiveAt: recorded.recordedAt,
    });
  });

  it.each([
    "user.registered",
    "user.renamed",
    "user.email_changed",
    "user.password_changed",
    "user.reactivated",
    "user.forgotten",
  ])("reads a version 1 %s as effective when it was recorded", (type) =>
    expect(upcastUserEventData(type, 1, {}, recorded)).toEqual({ effectiveAt: recorded.recordedAt }),
  );

  it("reads a current event written without effectiveAt (effective when recorded) with its recorded time", () => {
    const renamed = { name: "B", previousName: "A" };
    expect(upcastUserEventData("user.renamed", userEventSchemaVersions["user.renamed"], renamed, recorded)).toEqual({
      ...renamed,
      effectiveAt: recorded.recordedAt,
    });
  });

  it("leaves a current event that has its effectiveAt untouched (the same object), backdated or not", () => {
    const backdated = { reason: "spam", category: "policy", effectiveAt: "2025-01-01T00:00:00.000Z" };
    expect(
      upcastUserEventData("user.deactivated", userEventSchemaVersions["user.deactivated"], backdated, recorded),
    ).toBe(backdated);
  });

  it("reads an effectiveAt later than the recording (a clock ahead of the database's) as the recording instant", () => {
    const renamed = { name: "B", previousName: "A" };
    const ahead = { ...renamed, effectiveAt: "2025-03-01T10:00:00.001Z" };
    const current = userEventSchemaVersions["user.renamed"];
    expect(upcastUserEventData("user.renamed", current, ahead, recorded)).toEqual({
      ...renamed,
      effectiveAt: recorded.recordedAt,
    });
    const atRecording = { ...renamed, effectiveAt: recorded.recordedAt };
    expect(upcastUserEventData("user.renamed", current, atRecording, recorded)).toBe(atRecording);
  });

  it("passes other streams' events through, and refuses a version it has no path from", () => {
    const data = { tokenId: "t" };
    expect(upcastUserEventData("admin.api_token_created", 1, data, recorded)).toBe(data);
    expect(() => upcastUserEventData("user.deactivated", 0, { reason: "x" }, recorded)).toThrow(UnknownSchemaVersion);
  });
});
