// The facts of a user's life, past tense. Their shape only ever grows: a change that old events
// cannot satisfy gets a new schema version and an upcaster.

export type UserRegistered = {
  type: "user.registered";
  data: { userId: string; name: string; email: string; passwordHash: string };
};
export type UserRenamed = { type: "user.renamed"; data: { name: string; previousName: string } };
export type UserEmailChanged = { type: "user.email_changed"; data: { email: string; previousEmail: string } };
export type UserPasswordChanged = { type: "user.password_changed"; data: { passwordHash: string } };
/** Why a user was deactivated, by kind; "unspecified" only on events recorded before kinds existed. */
export const deactivationCategories = ["requested", "policy", "inactivity", "other"] as const;
export type DeactivationCategory = (typeof deactivationCategories)[number] | "unspecified";
/** Schema version 2 added `category` (version 1: `{ reason }` only — see upcasters.ts). */
export type UserDeactivated = { type: "user.deactivated"; data: { reason: string; category: DeactivationCategory } };
export type UserReactivated = { type: "user.reactivated"; data: Record<string, never> };
/** The user's key was destroyed: their personal data reads as "[erased]" from now on, everywhere. */
export type UserForgotten = { type: "user.forgotten"; data: Record<string, never> };

/** What a personal field reads as once its owner was forgotten. */
export const erasedValue = "[erased]";

export type UserEvent =
  UserRegistered | UserRenamed | UserEmailChanged | UserPasswordChanged | UserDeactivated | UserReactivated | UserForgotten;

export type UserEventType = UserEvent["type"];

/** The schema version of each event type as written today (kept in the event's metadata). */
export const userEventSchemaVersions: Record<UserEventType, number> = {
  "user.registered": 1,
  "user.renamed": 1,
  "user.email_changed": 1,
  "user.password_changed": 1,
  "user.deactivated": 2,
  "user.reactivated": 1,
  "user.forgotten": 1,
};

export const userEventTypes = Object.keys(userEventSchemaVersions) as UserEventType[];

/** A user event as recorded: what evolve folds, on the server and in the browser alike. */
export type RecordedUserEvent = UserEvent & { version: number; recordedAt: string };

export const userStreamType = "user";
export const userStreamId = (userId: string) => `${userStreamType}-${userId}`;
