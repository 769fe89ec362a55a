import { erasedValue, type RecordedUserEvent } from "./events";

/** The parts of a user that changes set, each as a whole. */
export type UserPart = "name" | "email" | "password" | "status";

/** What every registered user has, whatever their status. */
type UserFields = {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  /** The highest version folded: the stream's version when every event known is folded. */
  version: number;
  createdAt: string;
  /** When the latest event folded was recorded. */
  updatedAt: string;
  /**
   * When the value of each part took effect: a change recorded later but effective earlier (a
   * backdated one) leaves a part alone that a later-effective change set.
   */
  effectiveSince: Record<UserPart, string>;
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
 *
 * Each part keeps the value of the change effective last, ties going to the higher version, so
 * folding events in version order gives the state of folding them in effective order: a backdated
 * rename older than a later-effective one does not change the name. An event without effectiveAt
 * (just decided, not yet read back) takes effect after everything before it.
 */
export function evolve(state: UserState, event: RecordedUserEvent): UserState {
  const effectiveAt = event.data.effectiveAt ?? event.recordedAt;
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
      effectiveSince: { name: effectiveAt, email: effectiveAt, password: effectiveAt, status: effectiveAt },
    };
  }
  if (state.status === "unregistered") return state;
  const touched: RegisteredUser = {
    ...state,
    version: Math.max(state.version, event.version),
    updatedAt: event.recordedAt > state.updatedAt ? event.recordedAt : state.updatedAt,
  };
  const takesEffect = (part: UserPart) =>
    event.data.effectiveAt === undefined ||
    Date.parse(event.data.effectiveAt) >= Date.parse(state.effectiveSince[part]);
  const since = (part: UserPart) => ({ ...state.effectiveSince, [part]: effectiveAt });
  switch (event.type) {
    case "user.renamed":
      return takesEffect("name") ? { ...touched, name: event.data.name, effectiveSince: since("name") } : touched;
    case "user.email_changed":
      return takesEffect("email") ? { ...touched, email: event.data.email, effectiveSince: since("email") } : touched;
    case "user.password_changed":
      return takesEffect("password")
        ? { ...touched, passwordHash: event.data.passwordHash, effectiveSince: since("password") }
        : touched;
    case "user.deactivated":
      return takesEffect("status")
        ? { ...touched, status: "deactivated", deactivationReason: event.data.reason, effectiveSince: since("status") }
        : touched;
    case "user.reactivated":
      return takesEffect("status")
        ? { ...touched, status: "active", deactivationReason: null, effectiveSince: since("status") }
        : touched;
    case "user.forgotten":
      // Erasure wins whatever the dates: nothing personal stays readable.
      return {
        ...touched,
        status: "forgotten",
        name: erasedValue,
        email: erasedValue,
        passwordHash: "",
        deactivationReason: null,
        effectiveSince: { name: effectiveAt, email: effectiveAt, password: effectiveAt, status: effectiveAt },
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
