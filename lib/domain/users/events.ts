// The facts of a user's life, past tense. Their shape only ever grows: a change that old events
// cannot satisfy gets a new schema version and an upcaster.

/**
 * When the change took effect in the world, if not when it was recorded (a change reported late is
 * backdated). Written only when a command gave it; read events always have it: the upcaster fills in
 * the recorded time for older schema versions and for changes effective when recorded.
 */
type Effective = { effectiveAt?: string };

export type UserRegistered = {
  type: "user.registered";
  data: { userId: string; name: string; email: string; passwordHash: string } & Effective;
};
export type UserRenamed = { type: "user.renamed"; data: { name: string; previousName: string } & Effective };
export type UserEmailChanged = {
  type: "user.email_changed";
  data: { email: string; previousEmail: string } & Effective;
};
export type UserPasswordChanged = { type: "user.password_changed"; data: { passwordHash: string } & Effective };
/** Why a user was deactivated, by kind; "unspecified" only on events recorded before kinds existed. */
export const deactivationCategories = ["requested", "policy", "inactivity", "other"] as const;
export type DeactivationCategory = (typeof deactivationCategories)[number] | "unspecified";
/** Schema version 2 added `category` (version 1: `{ reason }` only — see upcasters.ts). */
export type UserDeactivated = {
  type: "user.deactivated";
  data: { reason: string; category: DeactivationCategory } & Effective;
};
export type UserReactivated = { type: "user.reactivated"; data: Effective };
/** The user's key was destroyed: their personal data reads as "[erased]" from now on, everywhere. */
export type UserForgotten = { type: "user.forgotten"; data: Effective };

/** What a personal field reads as once its owner was forgotten. */
export const erasedValue = "[erased]";

export type UserEvent =
  | UserRegistered
  | UserRenamed
  | UserEmailChanged
  | UserPasswordChanged
  | UserDeactivated
  | UserReactivated
  | UserForgotten;

export type UserEventType = UserEvent["type"];

/**
 * The schema version of each event type as written today (kept in the event's metadata). The
 * latest step of each added `effectiveAt`: before it, every change took effect when recorded.
 */
export const userEventSchemaVersions: Record<UserEventType, number> = {
  "user.registered": 2,
  "user.renamed": 2,
  "user.email_changed": 2,
  "user.password_changed": 2,
  "user.deactivated": 3,
  "user.reactivated": 2,
  "user.forgotten": 2,
};

export const userEventTypes = Object.keys(userEventSchemaVersions) as UserEventType[];

/** A user event as recorded: what evolve folds, on the server and in the browser alike. */
export type RecordedUserEvent = UserEvent & { version: number; recordedAt: string };

export const userStreamType = "user";
export const userStreamId = (userId: string) => `${userStreamType}-${userId}`;
