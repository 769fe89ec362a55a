import { erasedValue, type RecordedUserEvent } from "./events";

/** What every registered user has, whatever their status. */
type UserFields = {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  /** The version of the last event folded. */
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type ActiveUser = UserFields & { status: "active"; deactivationReason: null };
/** Accepts only reactivation (and erasure), and says why it was deactivated. */
export type DeactivatedUser = UserFields & { status: "deactivated"; deactivationReason: string };
/** Erased: personal fields read "[erased]" and it accepts no change. */
export type ForgottenUser = UserFields & { status: "forgotten"; deactivationReason: null };
export type RegisteredUser = ActiveUser | DeactivatedUser | ForgottenUser;
export type UnregisteredUser = { status: "unregistered"; version: 0 };

export type UserState = UnregisteredUser | RegisteredUser;
export type UserStatus = RegisteredUser["status"];

export const initialUserState: UserState = { status: "unregistered", version: 0 };

/**
 * Applies one recorded event. Total: an event that does not apply (anything before registration)
 * leaves the state as it was; exhaustive: a new event type does not compile until it is handled here.
 */
export function evolve(state: UserState, event: RecordedUserEvent): UserState {
  if (event.type === "user.registered") {
    const { userId, name, email, passwordHash } = event.data;
    return {
      status: "active",
      id: userId,
      name,
      email,
      passwordHash,
      deactivationReason: null,
      version: event.version,
      createdAt: event.recordedAt,
      updatedAt: event.recordedAt,
    };
  }
  if (state.status === "unregistered") return state;
  const touched = { version: event.version, updatedAt: event.recordedAt };
  switch (event.type) {
    case "user.renamed":
      return { ...state, ...touched, name: event.data.name };
    case "user.email_changed":
      return { ...state, ...touched, email: event.data.email };
    case "user.password_changed":
      return { ...state, ...touched, passwordHash: event.data.passwordHash };
    case "user.deactivated":
      return { ...state, ...touched, status: "deactivated", deactivationReason: event.data.reason };
    case "user.reactivated":
      return { ...state, ...touched, status: "active", deactivationReason: null };
    case "user.forgotten":
      return {
        ...state,
        ...touched,
        status: "forgotten",
        name: erasedValue,
        email: erasedValue,
        passwordHash: "",
        deactivationReason: null,
      };
    default:
      return ignored(event, state);
  }
}

// An event of a type this code does not know (written by a newer release) changes nothing; the
// `never` makes a type added to UserEvent a compile error until evolve handles it.
function ignored(event: never, state: UserState): UserState {
  void event;
  return state;
}

/** Folds events in order: the one reconstruction path behind current state and time travel. */
export function foldUser(events: Iterable<RecordedUserEvent>, state: UserState = initialUserState): UserState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}
