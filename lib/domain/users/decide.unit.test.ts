// Given (past events) / When (a command) / Then (new events, or an error).
import { describe, expect, it } from "vitest";
import {
  decide,
  foldUser,
  UserAlreadyRegistered,
  UserIsDeactivated,
  UserIsForgotten,
  UserNotFound,
  UserValidationFailed,
  type RecordedUserEvent,
  type UserCommand,
  type UserEvent,
} from ".";

const userId = "6f1c2b8e-1d1e-4c55-9a57-0d6f4b0c7a11";
const registered: UserEvent = {
  type: "user.registered",
  data: { userId, name: "Ada Lovelace", email: "ada@example.com", passwordHash: "hash-1" },
};
const deactivated: UserEvent = { type: "user.deactivated", data: { reason: "left the company", category: "other" } };

function given(...history: UserEvent[]) {
  const recorded: RecordedUserEvent[] = history.map((event, index) => ({
    ...event,
    version: index + 1,
    recordedAt: `2025-01-0${index + 1}T00:00:00.000Z`,
  }));
  const state = foldUser(recorded);
  return {
    when: (command: UserCommand) => ({
      then: (expected: UserEvent[]) => expect(decide(command, state)).toEqual(expected),
      thenFails: (error: new (...args: never[]) => Error, details?: Record<string, unknown>) => {
        let thrown: unknown;
        try {
          decide(command, state);
        } catch (caught) {
          thrown = caught;
        }
        expect(thrown).toBeInstanceOf(error);
        if (details) expect(thrown).toMatchObject(details);
      },
    }),
  };
}

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
    ["an email with spaces", { email: "a da@example.com" }, "email", "Email must be a valid address like name@example.com"],
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

  it("refuses an empty name", () => given(registered).when({ type: "RenameUser", userId, name: "" }).thenFails(UserValidationFailed));

  it("refuses a user that does not exist", () =>
    given().when({ type: "RenameUser", userId, name: "X" }).thenFails(UserNotFound, { userId }));

  it("refuses a deactivated user", () =>
    given(registered, deactivated).when({ type: "RenameUser", userId, name: "X" }).thenFails(UserIsDeactivated));
});

describe("ChangeEmail", () => {
  it("changes the email, lower-cased, remembering the previous one", () =>
    given(registered)
      .when({ type: "ChangeEmail", userId, email: "Ada@Analytical.Engine" })
      .then([{ type: "user.email_changed", data: { email: "ada@analytical.engine", previousEmail: "ada@example.com" } }]));

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
    given(registered).when({ type: "ChangePassword", userId, password: "short", passwordHash: "h" }).thenFails(UserValidationFailed));

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
    given(registered, deactivated).when({ type: "DeactivateUser", userId, reason: "again" }).thenFails(UserIsDeactivated));

  it("refuses a user that does not exist", () => given().when({ type: "DeactivateUser", userId, reason: "x" }).thenFails(UserNotFound));
});

describe("ReactivateUser", () => {
  it("reactivates a deactivated user", () =>
    given(registered, deactivated)
      .when({ type: "ReactivateUser", userId })
      .then([{ type: "user.reactivated", data: {} }]));

  it("records nothing for an active user", () => given(registered).when({ type: "ReactivateUser", userId }).then([]));

  it("refuses a user that does not exist", () => given().when({ type: "ReactivateUser", userId }).thenFails(UserNotFound));
});

describe("ForgetUser", () => {
  const forgotten: UserEvent = { type: "user.forgotten", data: {} };

  it("records that an active user was forgotten", () => given(registered).when({ type: "ForgetUser", userId }).then([forgotten]));

  it("forgets a deactivated user too: erasure is owed to anyone", () =>
    given(registered, deactivated).when({ type: "ForgetUser", userId }).then([forgotten]));

  it("records nothing when asked again", () => given(registered, forgotten).when({ type: "ForgetUser", userId }).then([]));

  it("refuses every other change to a forgotten user", () => {
    given(registered, forgotten).when({ type: "RenameUser", userId, name: "Back" }).thenFails(UserIsForgotten);
    given(registered, forgotten).when({ type: "ReactivateUser", userId }).thenFails(UserIsForgotten);
    given(registered, forgotten)
      .when({ type: "RegisterUser", userId, name: "A", email: "a@example.com", password: "long enough", passwordHash: "h" })
      .thenFails(UserAlreadyRegistered);
  });

  it("refuses a user that does not exist", () => given().when({ type: "ForgetUser", userId }).thenFails(UserNotFound));

  it("leaves a state that holds no personal data", () => {
    const state = foldUser(
      [registered, forgotten].map((event, index) => ({ ...event, version: index + 1, recordedAt: "2025-01-01T00:00:00.000Z" })),
    );
    expect(state).toMatchObject({ status: "forgotten", name: "[erased]", email: "[erased]", passwordHash: "", version: 2 });
  });
});
