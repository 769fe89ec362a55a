// Shapes of what the users API accepts, shared by the route handlers and the dashboard's forms.
// Every string obeys the text rule (no control characters or lone surrogates; NFC), which the
// domain's field rules apply too. The rules on values (lengths, email syntax) are the domain's alone:
// decide applies them after the user's state, so a deactivated user is a 409 whatever the value.
import { z } from "zod";
import { instant, pageLimit } from "./query-fields";
import { text } from "./text";
import { deactivationCategories } from "../domain/users/events";

const name = text("Name", { max: 1000 });
const email = text("Email", { max: 1000 });
// Only hashed, so any control character may be part of it; a lone surrogate may not (text.ts).
const password = text("Password", { max: 1024, controls: "any" });

/** Why the change was made, for the audit trail (every command takes one; deactivate requires it). */
const auditReason = text("Reason", { max: 500, controls: "line breaks" })
  .transform((value) => value.trim() || undefined)
  .optional();

/**
 * When the change took effect in the world, if earlier than now (a change reported late; a correction
 * takes the instant of the change it corrects). Absent: when it is recorded.
 */
const effectiveAt = instant
  .refine((date) => date.getTime() <= Date.now(), "Must not lie in the future")
  .transform((date) => date.toISOString())
  .optional()
  .meta({
    description: "When the change took effect (ISO 8601 instant, not in the future); absent: when it is recorded",
  });

export const registerUserBody = z.strictObject({ name, email, password, reason: auditReason });

export const renameUserBody = z.strictObject({ name, reason: auditReason, effectiveAt });
export const changeEmailBody = z.strictObject({ email, reason: auditReason, effectiveAt });
export const changePasswordBody = z.strictObject({ password, reason: auditReason });
export const deactivateUserBody = z.strictObject({
  reason: text("Reason", { max: 2000, controls: "line breaks" }),
  category: z.enum(deactivationCategories, { error: `Must be one of ${deactivationCategories.join(", ")}` }).optional(),
  effectiveAt,
});
export const reactivateUserBody = z.strictObject({ reason: auditReason, effectiveAt });
export const forgetUserBody = z.strictObject({ reason: auditReason });

export const userListQuery = z.strictObject({
  q: text("A search", { max: 200 })
    .transform((value) => value.trim() || undefined)
    .optional(),
  status: z.enum(["active", "deactivated"], { error: 'Must be "active" or "deactivated"' }).optional(),
  cursor: z.string().max(500).optional(),
  limit: pageLimit(100, 20),
  at: instant.optional().meta({
    description: "The users as they were at this instant in the world (effective time), as known at knownAt, or now",
  }),
  knownAt: instant.optional().meta({
    description:
      "As Rewind knew them at this instant; alone, the list Rewind showed then (effective at the same instant)",
  }),
});

export const userPointQuery = z
  .strictObject({
    version: z
      .string()
      .regex(/^[1-9]\d{0,8}$/, "Must be a whole number from 1")
      .transform(Number)
      .optional(),
    at: instant
      .optional()
      .meta({ description: "Effective at this instant: how the user was then (as known at knownAt, or now)" }),
    knownAt: instant.optional().meta({
      description: "As Rewind knew it at this instant; alone, what Rewind showed then (effective at the same instant)",
    }),
  })
  .refine((query) => query.version === undefined || (query.at === undefined && query.knownAt === undefined), {
    error: "Give version, or at and knownAt, not both",
    path: ["version"],
  });

export const emptyQuery = z.strictObject({});

/** User ids are UUIDs; anything else cannot name a user, so it is a 404, not a 400. */
export const userIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const eventStreamQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, "Must be a position: a whole number from 0")
    .transform(Number)
    .default(0),
  from: z.literal("now", { error: 'Must be "now"' }).optional(),
});
