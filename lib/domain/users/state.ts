import { erasedValue, type RecordedUserEvent } from "./events";

export type UserStatus = "active" | "deactivated" | "forgotten";

export type RegisteredUser = {
  status: UserStatus;
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  /** Why the user was deactivated, while deactivated. */
  deactivationReason: string | null;
  /** The version of the last event folded. */
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type UserState = { status: "unregistered"; version: 0 } | RegisteredUser;

export const initialUserState: UserState = { status: "unregistered", version: 0 };

/** Applies one recorded event. Total: an event that does not apply leaves the state as it was. */
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
  const touched = { ...state, version: event.version, updatedAt: event.recordedAt };
  switch (event.type) {
    case "user.renamed":
      return { ...touched, name: event.data.name };
    case "user.email_changed":
      return { ...touched, email: event.data.email };
    case "user.password_changed":
      return { ...touched, passwordHash: event.data.passwordHash };
    case "user.deactivated":
      return { ...touched, status: "deactivated", deactivationReason: event.data.reason };
    case "user.reactivated":
      return { ...touched, status: "active", deactivationReason: null };
    case "user.forgotten":
      return { ...touched, status: "forgotten", name: erasedValue, email: erasedValue, passwordHash: "", deactivationReason: null };
    default:
      return state;
  }
}

/** Folds events in order: the one reconstruction path behind current state and time travel. */
export function foldUser(events: Iterable<RecordedUserEvent>, state: UserState = initialUserState): UserState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}
