import { describe, expect, it } from "vitest";
import { evolve, foldUser, initialUserState, type RecordedUserEvent, type UserEvent, type UserEventType } from ".";

const userId = "u-1";
const at = (day: number) => `2025-03-${String(day).padStart(2, "0")}T10:00:00.000Z`;
const history: RecordedUserEvent[] = [
  {
    type: "user.registered",
    data: { userId, name: "Ada", email: "ada@example.com", passwordHash: "h1" },
    version: 1,
    recordedAt: at(1),
  },
  { type: "user.renamed", data: { name: "Ada King", previousName: "Ada" }, version: 2, recordedAt: at(2) },
  {
    type: "user.email_changed",
    data: { email: "ada@king.org", previousEmail: "ada@example.com" },
    version: 3,
    recordedAt: at(3),
  },
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
      effectiveSince: { name: at(2), email: at(3), password: at(4), status: at(6) },
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
    expect(evolve(registered, { type: "user.unknown", data: {}, version: 2, recordedAt: at(2) } as never)).toBe(
      registered,
    );
  });

  // A Record over every event type: a new type must bring its example, and then be handled.
  const oneOfEach: Record<Exclude<UserEventType, "user.registered">, UserEvent> = {
    "user.renamed": history[1]!,
    "user.email_changed": history[2]!,
    "user.password_changed": history[3]!,
    "user.deactivated": history[4]!,
    "user.reactivated": { type: "user.reactivated", data: {} },
    "user.forgotten": { type: "user.forgotten", data: {} },
  };

  it.each(Object.values(oneOfEach))("handles $type: the user moves to its version", (event) => {
    const registered = foldUser(history.slice(0, 1));
    expect(evolve(registered, { ...event, version: 2, recordedAt: at(2) })).toMatchObject({
      version: 2,
      updatedAt: at(2),
    });
  });

  it("keeps a reason only while deactivated", () => {
    const deactivated = foldUser(history.slice(0, 5));
    expect(deactivated.status === "deactivated" && deactivated.deactivationReason).toBe("moved away");
    const forgotten = evolve(deactivated, { type: "user.forgotten", data: {}, version: 6, recordedAt: at(6) });
    expect(forgotten).toMatchObject({ status: "forgotten", deactivationReason: null, name: "[erased]" });
  });

  describe("on the effective axis", () => {
    const renamed = (name: string, version: number, recordedDay: number, effectiveDay?: number): RecordedUserEvent => ({
      type: "user.renamed",
      data: { name, previousName: "?", ...(effectiveDay === undefined ? {} : { effectiveAt: at(effectiveDay) }) },
      version,
      recordedAt: at(recordedDay),
    });

    it("keeps today's name when a rename reported late took effect before a later-effective one", () => {
      const state = foldUser([history[0]!, renamed("June", 2, 10, 10), renamed("March", 3, 20, 5)]);
      expect(state).toMatchObject({ name: "June", version: 3, updatedAt: at(20), effectiveSince: { name: at(10) } });
    });

    it("takes a backdated rename that is still the latest effective one", () => {
      expect(foldUser([history[0]!, renamed("March", 2, 20, 5)])).toMatchObject({
        name: "March",
        effectiveSince: { name: at(5) },
      });
    });

    it("gives a tie on the effective instant to the higher version", () => {
      expect(foldUser([history[0]!, renamed("First", 2, 10, 5), renamed("Second", 3, 20, 5)])).toMatchObject({
        name: "Second",
      });
    });

    it("applies a just-decided event (no effectiveAt yet) after everything before it", () => {
      const decided = {
        type: "user.renamed",
        data: { name: "Now", previousName: "?" },
        version: 3,
        recordedAt: at(1),
      } as const;
      expect(foldUser([history[0]!, renamed("Later", 2, 10, 10), decided])).toMatchObject({ name: "Now" });
    });

    it("lets a backdated reactivation leave a later-effective deactivation in force", () => {
      const state = foldUser([
        history[0]!,
        {
          type: "user.deactivated",
          data: { reason: "left", category: "other", effectiveAt: at(10) },
          version: 2,
          recordedAt: at(10),
        },
        { type: "user.reactivated", data: { effectiveAt: at(5) }, version: 3, recordedAt: at(12) },
      ]);
      expect(state).toMatchObject({ status: "deactivated", deactivationReason: "left" });
    });
  });
});
