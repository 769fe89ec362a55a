// What the audit trail's query accepts.
import { z } from "zod";
import { instant } from "./instant";

export const auditQuery = z
  .strictObject({
    actor: z.string().trim().min(1, "Name an actor, like admin:alice@example.com").max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce
      .number({ error: "Must be a whole number from 1 to 200" })
      .int("Must be a whole number from 1 to 200")
      .min(1, "Must be a whole number from 1 to 200")
      .max(200, "Must be a whole number from 1 to 200")
      .default(50),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, { message: "from must be before to", path: ["from"] });
