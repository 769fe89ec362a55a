// What the audit trail's query accepts.
import { z } from "zod";
import { instant, pageLimit } from "./query-fields";
import { text } from "./text";

export const auditQuery = z
  .strictObject({
    actor: text("An actor", { max: 200 })
      .transform((value) => value.trim())
      .pipe(z.string().min(1, "Name an actor, like admin:alice@example.com"))
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    cursor: z.string().max(500).optional(),
    limit: pageLimit(200, 50),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, { error: "from must be before to", path: ["from"] });
