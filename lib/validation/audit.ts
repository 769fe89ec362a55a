// What the audit trail's query accepts.
import { z } from "zod";
import { instant, pageLimit } from "./query-fields";

export const auditQuery = z
  .strictObject({
    actor: z.string().trim().min(1, "Name an actor, like admin:alice@example.com").max(200).optional(),
    from: instant.optional(),
    to: instant.optional(),
    cursor: z.string().max(500).optional(),
    limit: pageLimit(200, 50),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, { message: "from must be before to", path: ["from"] });
