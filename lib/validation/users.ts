// Shapes of what the users API accepts, shared by the route handlers and the dashboard's forms.
// The rules on values (lengths, email syntax) are the domain's; these only say what is a string.
import { z } from "zod";
import { instant, pageLimit } from "./query-fields";
import { deactivationCategories } from "../domain/users/events";

const text = (field: string, max: number) =>
  z.string({ error: `${field} must be a string` }).max(max, `${field} must be at most ${max} characters`);

/** Why the change was made, for the audit trail (every command takes one; deactivate requires it). */
const auditReason = z
  .string({ error: "Reason must be a string" })
  .trim()
  .max(500, "Reason must be at most 500 characters")
  .optional()
  .transform((value) => value || undefined);

export const registerUserBody = z.strictObject({
  name: text("Name", 1000),
  email: text("Email", 1000),
  password: text("Password", 1024),
  reason: auditReason,
});

export const renameUserBody = z.strictObject({ name: text("Name", 1000), reason: auditReason });
export const changeEmailBody = z.strictObject({ email: text("Email", 1000), reason: auditReason });
export const changePasswordBody = z.strictObject({ password: text("Password", 1024), reason: auditReason });
export const deactivateUserBody = z.strictObject({
  reason: text("Reason", 2000),
  category: z.enum(deactivationCategories, { error: `Must be one of ${deactivationCategories.join(", ")}` }).optional(),
});
export const reactivateUserBody = z.strictObject({ reason: auditReason });
export const forgetUserBody = z.strictObject({ reason: auditReason });

export const userListQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .max(200, "At most 200 characters")
    .optional()
    .transform((value) => value || undefined),
  status: z.enum(["active", "deactivated"], { error: 'Must be "active" or "deactivated"' }).optional(),
  cursor: z.string().max(500).optional(),
  limit: pageLimit(100, 20),
  at: instant.optional(),
});

export const userPointQuery = z
  .strictObject({
    version: z
      .string()
      .regex(/^[1-9]\d{0,8}$/, "Must be a whole number from 1")
      .transform(Number)
      .optional(),
    at: instant.optional(),
  })
  .refine((query) => query.version === undefined || query.at === undefined, { message: "Give version or at, not both", path: ["version"] });

export const eventFeedQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,15}$/, "Must be a position: a whole number from 0")
    .transform(Number)
    .default(0),
  limit: pageLimit(1000, 100),
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
