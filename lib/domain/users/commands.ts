import { effectiveAtOf, inEffectiveOrder, latestEffectiveAt } from "./bitemporal";
import {
  EffectiveBeforeRegistration,
  EffectiveHistoryConflict,
  UserAlreadyRegistered,
  UserIsDeactivated,
  UserIsForgotten,
  UserNotFound,
  UserValidationFailed,
} from "./errors";
import type { DeactivationCategory, RecordedUserEvent, UserEvent } from "./events";
import { checkPasswordRule, normaliseEmail, normaliseName, normaliseReason, valuesOrThrow } from "./rules";
import { foldUser, type RegisteredUser, type UserState } from "./state";

/** When the change took effect in the world (ISO 8601 instant), if earlier than now: see bitemporal.ts. */
type Dated = { effectiveAt?: string };

// The user id comes in on the command and a password arrives with its hash, made outside the
// domain (hashing needs a random salt): decide stays deterministic.
export type RegisterUser = {
  type: "RegisterUser";
  userId: string;
  name: string;
  email: string;
  password: string;
  passwordHash: string;
};
export type RenameUser = { type: "RenameUser"; userId: string; name: string } & Dated;
export type ChangeEmail = { type: "ChangeEmail"; userId: string; email: string } & Dated;
export type ChangePassword = { type: "ChangePassword"; userId: string; password: string; passwordHash: string };
export type DeactivateUser = {
  type: "DeactivateUser";
  userId: string;
  reason: string;
  category?: Exclude<DeactivationCategory, "unspecified">;
} & Dated;
export type ReactivateUser = { type: "ReactivateUser"; userId: string } & Dated;

/** The right to erasure: the user's key is destroyed outside the domain; this records that it was. */
export type ForgetUser = { type: "ForgetUser"; userId: string };
export type UserCommand =
  RegisterUser | RenameUser | ChangeEmail | ChangePassword | DeactivateUser | ReactivateUser | ForgetUser;
export type UserCommandType = UserCommand["type"];

type Change = Exclude<UserCommand, RegisterUser | ForgetUser>;
type DatedChange = RenameUser | ChangeEmail | DeactivateUser | ReactivateUser;

/** What decide needs besides the command and the user's state (effective now, known now). */
export type DecisionContext = {
  /** When the command is handled (ISO 8601): no change may take effect later. Needed with effectiveAt. */
  now?: string;
  /** Every event of the user known now, in any order. Needed when `needsHistory` says so. */
  history?: readonly RecordedUserEvent[];
};

/**
 * What happens when `command` meets a user in `state`: the events to record (none when nothing
 * changes), or a typed error. A change effective earlier than the latest known one is decided on the
 * user as they were at its effective instant, and must leave every later-effective event allowed.
 */
export function decide(command: UserCommand, state: UserState, context: DecisionContext = {}): UserEvent[] {
  if (command.type === "RegisterUser") {
    if (state.status !== "unregistered") throw new UserAlreadyRegistered(state.id);
    const [name, email] = valuesOrThrow(
      normaliseName(command.name),
      normaliseEmail(command.email),
      checkPasswordRule(command.password),
    );
    return [
      { type: "user.registered", data: { userId: command.userId, name, email, passwordHash: command.passwordHash } },
    ];
  }

  if (state.status === "unregistered") throw new UserNotFound(command.userId);
  // Erasure is owed to any user, deactivated or not; asking twice changes nothing.
  if (command.type === "ForgetUser") return state.status === "forgotten" ? [] : [{ type: "user.forgotten", data: {} }];
  if (state.status === "forgotten") throw new UserIsForgotten(state.id);
  if (!isDated(command) || command.effectiveAt === undefined) return decideOn(command, state);

  const effectiveAt = checkedEffectiveAt(command.effectiveAt, context.now, state);
  if (Date.parse(effectiveAt) >= Date.parse(latestEffectiveAt(state)))
    return dated(decideOn(command, state), effectiveAt);
  if (!context.history)
    throw new Error(`${command.type} effective at ${effectiveAt} needs the user's history to be decided`);
  return decideBackdated(command, effectiveAt, state, context.history, context.now!);
}

/**
 * True when `command` takes effect before the latest known change of the user: decide then needs the
 * user's events (DecisionContext.history).
 */
export function needsHistory(command: { type: UserCommandType } & Dated, state: UserState): boolean {
  if (command.effectiveAt === undefined || state.status === "unregistered") return false;
  const effectiveAt = Date.parse(command.effectiveAt);
  return !Number.isNaN(effectiveAt) && effectiveAt < Date.parse(latestEffectiveAt(state));
}

const isDated = (command: Change): command is DatedChange => command.type !== "ChangePassword";

/** The rules of each change, on the user as they are at the point it takes effect. */
function decideOn(command: Change, state: RegisteredUser): UserEvent[] {
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

const dated = (events: UserEvent[], effectiveAt: string) =>
  events.map((event) => ({ ...event, data: { ...event.data, effectiveAt } }) as UserEvent);

// ISO 8601 with an offset, as the API takes instants (lib/validation/query-fields.ts), within 1970..9999.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const latestInstant = Date.parse("9999-12-31T23:59:59.999Z");

/** The command's effective instant, normalised, if it is one the user can take. */
function checkedEffectiveAt(raw: string, now: string | undefined, state: RegisteredUser): string {
  if (now === undefined)
    throw new Error("A command with effectiveAt needs the instant it is handled (DecisionContext.now)");
  const at = isoInstant.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(at) || at < 0 || at > latestInstant) {
    throw new UserValidationFailed([
      { path: "effectiveAt", message: "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z" },
    ]);
  }
  if (at > Date.parse(now))
    throw new UserValidationFailed([{ path: "effectiveAt", message: "Must not lie in the future" }]);
  const effectiveAt = new Date(at).toISOString();
  if (at < Date.parse(state.createdAt)) throw new EffectiveBeforeRegistration(state.id, effectiveAt, state.createdAt);
  return effectiveAt;
}

/**
 * Decides on the user as they were at `effectiveAt` (every event known now that took effect by then),
 * then folds the later-effective events after the new ones: each must still be allowed where it lands.
 */
function decideBackdated(
  command: DatedChange,
  effectiveAt: string,
  state: RegisteredUser,
  history: readonly RecordedUserEvent[],
  now: string,
): UserEvent[] {
  const ordered = inEffectiveOrder(history);
  const splitAt = ordered.findIndex((event) => Date.parse(effectiveAtOf(event)) > Date.parse(effectiveAt));
  const before = splitAt === -1 ? ordered : ordered.slice(0, splitAt);
  const later = splitAt === -1 ? [] : ordered.slice(splitAt);
  const then = foldUser(before);
  if (then.status === "unregistered") throw new EffectiveBeforeRegistration(state.id, effectiveAt, state.createdAt);
  const events = dated(decideOn(command, then), effectiveAt);
  let folded = foldUser(
    events.map((event, index) => ({ ...event, version: state.version + index + 1, recordedAt: now })),
    then,
  );
  for (const event of later) {
    const why = refusal(folded, event);
    if (why) throw new EffectiveHistoryConflict(state.id, effectiveAt, event.version, why);
    folded = foldUser([event], folded);
  }
  return events;
}

/** Why `event` would not be allowed on a user in `state`, or undefined when it would. */
// A deactivated user allows no change but of its status: reactivation, or a later deactivation that
// now restates one moved earlier (the user left before we recorded). Forgetting is allowed on anyone.
const allowedWhileDeactivated = new Set<RecordedUserEvent["type"]>([
  "user.reactivated",
  "user.deactivated",
  "user.forgotten",
]);

function refusal(state: UserState, event: RecordedUserEvent): string | undefined {
  if (state.status !== "deactivated" || allowedWhileDeactivated.has(event.type)) return undefined;
  return `(${event.type}, effective ${effectiveAtOf(event)}) a deactivated user does not allow`;
}
