// What the audit trail's query accepts.
import { z } from "zod";
import { instant, pageLimit } from "./query-fields";
import { text } from "./text";

/** An actor as events record it: admin:<email> or token:<name>#<id prefix>. */
export const actorFilter = text("An actor", { max: 200 })
  .transform((value) => value.trim())
  .pipe(z.string().min(1, "Name an actor, like admin:alice@example.com"));

export const auditQuery = z
  .strictObject({
    actor: actorFilter.optional(),
    from: instant.optional(),
    to: instant.optional(),
    cursor: z.string().max(500).optional(),
    limit: pageLimit(200, 50),
    format: z.enum(["json", "csv"], { error: 'Must be "json" or "csv"' }).default("json"),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    error: "from must be before to",
    path: ["from"],
  })
  // The CSV holds every matching entry: there is no page to continue from.
  .refine((query) => query.format === "json" || query.cursor === undefined, {
    error: "A CSV is not paged",
    path: ["cursor"],
  });
