import { UserAlreadyRegistered, UserIsDeactivated, UserIsForgotten, UserNotFound } from "./errors";
import type { DeactivationCategory, UserEvent } from "./events";
import { checkPasswordRule, normaliseEmail, normaliseName, normaliseReason, valuesOrThrow } from "./rules";
import type { UserState } from "./state";

// The user id comes in on the command and a password arrives with its hash, made outside the
// domain (hashing needs a random salt): decide stays deterministic.
export type RegisterUser = { type: "RegisterUser"; userId: string; name: string; email: string; password: string; passwordHash: string };
export type RenameUser = { type: "RenameUser"; userId: string; name: string };
export type ChangeEmail = { type: "ChangeEmail"; userId: string; email: string };
export type ChangePassword = { type: "ChangePassword"; userId: string; password: string; passwordHash: string };
export type DeactivateUser = {
  type: "DeactivateUser";
  userId: string;
  reason: string;
  category?: Exclude<DeactivationCategory, "unspecified">;
};
export type ReactivateUser = { type: "ReactivateUser"; userId: string };

/** The right to erasure: the user's key is destroyed outside the domain; this records that it was. */
export type ForgetUser = { type: "ForgetUser"; userId: string };
export type UserCommand = RegisterUser | RenameUser | ChangeEmail | ChangePassword | DeactivateUser | ReactivateUser | ForgetUser;
export type UserCommandType = UserCommand["type"];

/**
 * What happens when `command` meets a user in `state`: the events to record (none when nothing
 * changes), or a typed error.
 */
export function decide(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === "RegisterUser") {
    if (state.status !== "unregistered") throw new UserAlreadyRegistered(state.id);
    const [name, email] = valuesOrThrow(normaliseName(command.name), normaliseEmail(command.email), checkPasswordRule(command.password));
    return [{ type: "user.registered", data: { userId: command.userId, name, email, passwordHash: command.passwordHash } }];
  }

  if (state.status === "unregistered") throw new UserNotFound(command.userId);
  // Erasure is owed to any user, deactivated or not; asking twice changes nothing.
  if (command.type === "ForgetUser") return state.status === "forgotten" ? [] : [{ type: "user.forgotten", data: {} }];
  if (state.status === "forgotten") throw new UserIsForgotten(state.id);
  if (state.status === "deactivated" && command.type !== "ReactivateUser") throw new UserIsDeactivated(state.id);

  switch (command.type) {
    case "RenameUser": {
      const [name] = valuesOrThrow(normaliseName(command.name));
      return name === state.name ? [] : [{ type: "user.renamed", data: { name, previousName: state.name } }];
    }
    case "ChangeEmail": {
      const [email] = valuesOrThrow(normaliseEmail(command.email));
      return email === state.email ? [] : [{ type: "user.email_changed", data: { email, previousEmail: state.email } }];
    }
    case "ChangePassword": {
      valuesOrThrow(checkPasswordRule(command.password));
      return [{ type: "user.password_changed", data: { passwordHash: command.passwordHash } }];
    }
    case "DeactivateUser": {
      const [reason] = valuesOrThrow(normaliseReason(command.reason));
      return [{ type: "user.deactivated", data: { reason, category: command.category ?? "other" } }];
    }
    case "ReactivateUser":
      return state.status === "deactivated" ? [{ type: "user.reactivated", data: {} }] : [];
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${JSON.stringify(unknown)}`);
    }
  }
}
