import { describe, expect, it } from "vitest";
import { evolve, foldUser, initialUserState, type RecordedUserEvent } from ".";

const userId = "u-1";
const at = (day: number) => `2025-03-${String(day).padStart(2, "0")}T10:00:00.000Z`;
const history: RecordedUserEvent[] = [
  { type: "user.registered", data: { userId, name: "Ada", email: "ada@example.com", passwordHash: "h1" }, version: 1, recordedAt: at(1) },
  { type: "user.renamed", data: { name: "Ada King", previousName: "Ada" }, version: 2, recordedAt: at(2) },
  { type: "user.email_changed", data: { email: "ada@king.org", previousEmail: "ada@example.com" }, version: 3, recordedAt: at(3) },
  { type: "user.password_changed", data: { passwordHash: "h2" }, version: 4, recordedAt: at(4) },
  { type: "user.deactivated", data: { reason: "moved away", category: "requested" }, version: 5, recordedAt: at(5) },
  { type: "user.reactivated", data: {}, version: 6, recordedAt: at(6) },
];

describe("evolve", () => {
  it("builds the user from its whole history", () => {
    expect(foldUser(history)).toEqual({
      status: "active",
      id: userId,
      name: "Ada King",
      email: "ada@king.org",
      passwordHash: "h2",
      deactivationReason: null,
      version: 6,
      createdAt: at(1),
      updatedAt: at(6),
    });
  });

  it("stops anywhere: the state at version 5 is deactivated, with the reason", () => {
    expect(foldUser(history.slice(0, 5))).toMatchObject({
      status: "deactivated",
      deactivationReason: "moved away",
      version: 5,
      name: "Ada King",
    });
  });

  it("ignores events that do not apply, so it is total", () => {
    expect(evolve(initialUserState, history[1]!)).toBe(initialUserState);
    const registered = foldUser(history.slice(0, 1));
    expect(evolve(registered, { type: "user.unknown", data: {}, version: 2, recordedAt: at(2) } as never)).toBe(registered);
  });
});
