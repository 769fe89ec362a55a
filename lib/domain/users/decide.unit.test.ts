// Given (past events) / When (a command) / Then (new events, or an error).
import { describe, expect, it } from "vitest";
import { deciderSpecification } from "@/lib/testing/decider-specification";
import {
  decide,
  EffectiveBeforeRegistration,
  EffectiveHistoryConflict,
  foldUser,
  needsHistory,
  UserAlreadyRegistered,
  UserIsDeactivated,
  UserIsForgotten,
  UserNotFound,
  UserValidationFailed,
  type RecordedUserEvent,
  type UserCommand,
  type UserEvent,
  type UserState,
} from ".";

const userId = "6f1c2b8e-1d1e-4c55-9a57-0d6f4b0c7a11";
const registered: UserEvent = {
  type: "user.registered",
  data: { userId, name: "Ada Lovelace", email: "ada@example.com", passwordHash: "hash-1" },
};
const deactivated: UserEvent = { type: "user.deactivated", data: { reason: "left the company", category: "other" } };
/** When the When is handled; the Given's events are recorded on 1, 2, 3… January 2025 at midnight. */
const now = "2025-01-31T00:00:00.000Z";

const recorded = (history: UserEvent[]): RecordedUserEvent[] =>
  history.map((event, index) => ({ ...event, version: index + 1, recordedAt: `2025-01-0${index + 1}T00:00:00.000Z` }));

const given = deciderSpecification({
  decide: (command: UserCommand, state: UserState, history: UserEvent[]) =>
    decide(command, state, { now, history: recorded(history) }),
  fold: (history: UserEvent[]) => foldUser(recorded(history)),
});

const register = (fields: Partial<Extract<UserCommand, { type: "RegisterUser" }>> = {}): UserCommand => ({
  type: "RegisterUser",
  userId,
  name: "Ada Lovelace",
  email: "ada@example.com",
  password: "correct horse",
  passwordHash: "hash-1",
  ...fields,
});

describe("RegisterUser", () => {
  it("registers a new user", () => given().when(register()).then([registered]));

  it("trims the name and lower-cases the email", () =>
    given()
      .when(register({ name: "  Ada Lovelace ", email: " ADA@Example.COM " }))
      .then([registered]));

  it("refuses a user that already exists", () => given(registered).when(register()).thenFails(UserAlreadyRegistered));

  it.each([
    ["an empty name", { name: "   " }, "name", "Name must not be empty"],
    ["a name over 100 characters", { name: "x".repeat(101) }, "name", "Name must be at most 100 characters"],
    ["an invalid email", { email: "ada@" }, "email", "Email must be a valid address like name@example.com"],
    [
      "an email with spaces",
      { email: "a da@example.com" },
      "email",
      "Email must be a valid address like name@example.com",
    ],
    ["a short password", { password: "1234567" }, "password", "Password must be at least 8 characters"],
  ])("refuses %s", (_, fields, path, message) =>
    given()
      .when(register(fields))
      .thenFails(UserValidationFailed, { problems: [{ path, message }] }),
  );

  it("accepts a name of exactly 100 characters, counting emoji as one", () =>
    given()
      .when(register({ name: "😀".repeat(100) }))
      .then([{ ...registered, data: { ...registered.data, name: "😀".repeat(100) } }]));

  it("lists every problem at once", () =>
    given()
      .when(register({ name: "", email: "nope", password: "short" }))
      .thenFails(UserValidationFailed, {
        problems: [
          { path: "name", message: "Name must not be empty" },
          { path: "email", message: "Email must be a valid address like name@example.com" },
          { path: "password", message: "Password must be at least 8 characters" },
        ],
      }));
});

describe("RenameUser", () => {
  it("renames, remembering the previous name", () =>
    given(registered)
      .when({ type: "RenameUser", userId, name: "Ada King" })
      .then([{ type: "user.renamed", data: { name: "Ada King", previousName: "Ada Lovelace" } }]));

  it("records nothing when the name does not change", () =>
    given(registered).when({ type: "RenameUser", userId, name: " Ada Lovelace " }).then([]));

  it("refuses an empty name", () =>
    given(registered).when({ type: "RenameUser", userId, name: "" }).thenFails(UserValidationFailed));

  it("refuses a user that does not exist", () =>
    given().when({ type: "RenameUser", userId, name: "X" }).thenFails(UserNotFound, { userId }));

  it("refuses a deactivated user", () =>
    given(registered, deactivated).when({ type: "RenameUser", userId, name: "X" }).thenFails(UserIsDeactivated));
});

describe("ChangeEmail", () => {
  it("changes the email, lower-cased, remembering the previous one", () =>
    given(registered)
      .when({ type: "ChangeEmail", userId, email: "Ada@Analytical.Engine" })
      .then([
        { type: "user.email_changed", data: { email: "ada@analytical.engine", previousEmail: "ada@example.com" } },
      ]));

  it("records nothing when only the case differs", () =>
    given(registered).when({ type: "ChangeEmail", userId, email: "ADA@example.com" }).then([]));

  it("refuses an invalid email", () =>
    given(registered).when({ type: "ChangeEmail", userId, email: "not-an-email" }).thenFails(UserValidationFailed));

  it("refuses a deactivated user", () =>
    given(registered, deactivated).when({ type: "ChangeEmail", userId, email: "a@b.co" }).thenFails(UserIsDeactivated));
});

describe("ChangePassword", () => {
  it("records the new hash", () =>
    given(registered)
      .when({ type: "ChangePassword", userId, password: "another secret", passwordHash: "hash-2" })
      .then([{ type: "user.password_changed", data: { passwordHash: "hash-2" } }]));

  it("refuses a short password", () =>
    given(registered)
      .when({ type: "ChangePassword", userId, password: "short", passwordHash: "h" })
      .thenFails(UserValidationFailed));

  it("refuses a deactivated user", () =>
    given(registered, deactivated)
      .when({ type: "ChangePassword", userId, password: "long enough", passwordHash: "h" })
      .thenFails(UserIsDeactivated));
});

describe("DeactivateUser", () => {
  it("deactivates with a reason, of kind 'other' unless the command says which", () =>
    given(registered).when({ type: "DeactivateUser", userId, reason: " left the company " }).then([deactivated]));

  it("records the kind of reason the command gives", () =>
    given(registered)
      .when({ type: "DeactivateUser", userId, reason: "spam", category: "policy" })
      .then([{ type: "user.deactivated", data: { reason: "spam", category: "policy" } }]));

  it("refuses an empty reason", () =>
    given(registered).when({ type: "DeactivateUser", userId, reason: " " }).thenFails(UserValidationFailed));

  it("refuses a user already deactivated: a deactivated user accepts only ReactivateUser", () =>
    given(registered, deactivated)
      .when({ type: "DeactivateUser", userId, reason: "again" })
      .thenFails(UserIsDeactivated));

  it("refuses a user that does not exist", () =>
    given().when({ type: "DeactivateUser", userId, reason: "x" }).thenFails(UserNotFound));
});

describe("ReactivateUser", () => {
  it("reactivates a deactivated user", () =>
    given(registered, deactivated)
      .when({ type: "ReactivateUser", userId })
      .then([{ type: "user.reactivated", data: {} }]));

  it("records nothing for an active user", () => given(registered).when({ type: "ReactivateUser", userId }).then([]));

  it("refuses a user that does not exist", () =>
    given().when({ type: "ReactivateUser", userId }).thenFails(UserNotFound));
});

describe("ForgetUser", () => {
  const forgotten: UserEvent = { type: "user.forgotten", data: {} };

  it("records that an active user was forgotten", () =>
    given(registered).when({ type: "ForgetUser", userId }).then([forgotten]));

  it("forgets a deactivated user too: erasure is owed to anyone", () =>
    given(registered, deactivated).when({ type: "ForgetUser", userId }).then([forgotten]));

  it("records nothing when asked again", () =>
    given(registered, forgotten).when({ type: "ForgetUser", userId }).then([]));

  it("refuses every other change to a forgotten user", () => {
    given(registered, forgotten).when({ type: "RenameUser", userId, name: "Back" }).thenFails(UserIsForgotten);
    given(registered, forgotten).when({ type: "ReactivateUser", userId }).thenFails(UserIsForgotten);
    given(registered, forgotten)
      .when({
        type: "RegisterUser",
        userId,
        name: "A",
        email: "a@example.com",
        password: "long enough",
        passwordHash: "h",
      })
      .thenFails(UserAlreadyRegistered);
  });

  it("refuses a user that does not exist", () => given().when({ type: "ForgetUser", userId }).thenFails(UserNotFound));

  it("leaves a state that holds no personal data", () => {
    const state = foldUser(
      [registered, forgotten].map((event, index) => ({
        ...event,
        version: index + 1,
        recordedAt: "2025-01-01T00:00:00.000Z",
      })),
    );
    expect(state).toMatchObject({
      status: "forgotten",
      name: "[erased]",
      email: "[erased]",
      passwordHash: "",
      version: 2,
    });
  });
});

describe("on the effective axis (effectiveAt: when the change took effect)", () => {
  const day = (n: number, time = "00:00:00.000") => `2025-01-${String(n).padStart(2, "0")}T${time}Z`;
  const renamedTo = (name: string, previousName: string, effectiveAt?: string): UserEvent => ({
    type: "user.renamed",
    data: { name, previousName, ...(effectiveAt === undefined ? {} : { effectiveAt }) },
  });
  const deactivatedAt = (effectiveAt: string): UserEvent => ({
    ...deactivated,
    data: { ...deactivated.data, effectiveAt },
  });
  const reactivatedAt = (effectiveAt: string): UserEvent => ({ type: "user.reactivated", data: { effectiveAt } });

  it("records the instant given, normalised to UTC", () =>
    given(registered)
      .when({ type: "RenameUser", userId, name: "Ada King", effectiveAt: "2025-01-01T13:30:00+01:00" })
      .then([renamedTo("Ada King", "Ada Lovelace", day(1, "12:30:00.000"))]));

  it.each([
    ["a future instant", "2025-02-01T00:00:00Z", "Must not lie in the future"],
    ["a date without a time", "2025-01-01", "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z"],
    ["an instant without an offset", "2025-01-01T12:00:00", "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z"],
    ["words", "last Tuesday", "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z"],
  ])("refuses %s", (_, effectiveAt, message) =>
    given(registered)
      .when({ type: "RenameUser", userId, name: "X", effectiveAt })
      .thenFails(UserValidationFailed, { problems: [{ path: "effectiveAt", message }] }),
  );

  it("refuses a change effective before the user's registration", () =>
    given(registered)
      .when({ type: "ChangeEmail", userId, email: "a@b.co", effectiveAt: "2024-12-31T23:59:59Z" })
      .thenFails(EffectiveBeforeRegistration, { registeredAt: day(1) }));

  it("decides a backdated change on the user as they were then: the previous name is the name at that instant", () =>
    given(registered, renamedTo("Ada King", "Ada Lovelace"))
      .when({ type: "RenameUser", userId, name: "Ada Byron", effectiveAt: day(1, "12:00:00.000") })
      .then([renamedTo("Ada Byron", "Ada Lovelace", day(1, "12:00:00.000"))]));

  it("records nothing when the user already had that name then", () =>
    given(registered, renamedTo("Ada King", "Ada Lovelace"))
      .when({ type: "RenameUser", userId, name: "Ada Lovelace", effectiveAt: day(1, "12:00:00.000") })
      .then([]));

  it("corrects a change with one effective at the same instant: it comes after the wrong one", () =>
    given(registered, renamedTo("Ada Kign", "Ada Lovelace", day(1, "12:00:00.000")))
      .when({ type: "RenameUser", userId, name: "Ada King", effectiveAt: day(1, "12:00:00.000") })
      .then([renamedTo("Ada King", "Ada Kign", day(1, "12:00:00.000"))]));

  it("renames a user deactivated today as of a time they were active", () =>
    given(registered, deactivated)
      .when({ type: "RenameUser", userId, name: "Ada King", effectiveAt: day(1, "12:00:00.000") })
      .then([renamedTo("Ada King", "Ada Lovelace", day(1, "12:00:00.000"))]));

  it("refuses a change effective while the user was deactivated", () =>
    given(registered, deactivated, { type: "user.reactivated", data: {} })
      .when({ type: "RenameUser", userId, name: "Ada King", effectiveAt: day(2, "12:00:00.000") })
      .thenFails(UserIsDeactivated));

  it("refuses a deactivation backdated before a later-effective rename", () =>
    given(registered, renamedTo("Ada King", "Ada Lovelace"))
      .when({ type: "DeactivateUser", userId, reason: "left", effectiveAt: day(1, "12:00:00.000") })
      .thenFails(EffectiveHistoryConflict, { conflictingVersion: 2 }));

  it("moves a deactivation earlier when a reactivation comes before the later-effective rename", () =>
    given(registered, deactivatedAt(day(3)), reactivatedAt(day(4)), renamedTo("Ada King", "Ada Lovelace", day(5)))
      .when({ type: "DeactivateUser", userId, reason: "left", effectiveAt: day(2) })
      .then([{ type: "user.deactivated", data: { reason: "left", category: "other", effectiveAt: day(2) } }]));

  it("refuses a deactivation moved before a later-effective rename with no reactivation between", () =>
    given(registered, deactivatedAt(day(2)), renamedTo("Ada King", "Ada Lovelace", day(1, "12:00:00.000")))
      .when({ type: "DeactivateUser", userId, reason: "earlier", effectiveAt: day(1, "06:00:00.000") })
      .thenFails(EffectiveHistoryConflict, { conflictingVersion: 3 }));

  it("decides a dated change no earlier than the latest known one on today's state", () =>
    given(registered, renamedTo("Ada King", "Ada Lovelace"))
      .when({ type: "ReactivateUser", userId, effectiveAt: day(3) })
      .then([]));

  it("refuses any change to a forgotten user, whenever effective", () =>
    given(registered, { type: "user.forgotten", data: {} })
      .when({ type: "RenameUser", userId, name: "Back", effectiveAt: day(1, "12:00:00.000") })
      .thenFails(UserIsForgotten));

  it("asks for the history only for a change effective before the latest known one", () => {
    const state = foldUser(
      [registered, renamedTo("Ada King", "Ada Lovelace")].map((event, index) => ({
        ...event,
        version: index + 1,
        recordedAt: day(index + 1),
      })),
    );
    const rename = (effectiveAt?: string): UserCommand => ({ type: "RenameUser", userId, name: "X", effectiveAt });
    expect(needsHistory(rename(day(1, "12:00:00.000")), state)).toBe(true);
    expect(needsHistory(rename(day(2)), state)).toBe(false);
    expect(needsHistory(rename(), state)).toBe(false);
    expect(() => decide(rename(day(1, "12:00:00.000")), state, { now })).toThrow(/needs the user's history/);
  });
});
