// What GET /api/events accepts: the feed (after a position, in commit order) or, with order=desc,
// the log newest first, filtered, paged with the cursor it issued. Shared by the route and /events.
import { z } from "zod";
import { actorFilter } from "./audit";
import { instant, pageLimit } from "./query-fields";
import { text } from "./text";

const position = (floor: 0 | 1) =>
  z
    .string()
    .regex(floor === 0 ? /^\d{1,15}$/ : /^0*[1-9]\d{0,14}$/, `Must be a position: a whole number from ${floor}`)
    .transform(Number);

/** Filters and paging that only the newest-first listing takes (the feed must never skip an event). */
const listingOnly = ["type", "actor", "stream", "from", "to", "position", "cursor"] as const;

export const eventsQuery = z
  .strictObject({
    order: z
      .enum(["asc", "desc"], { error: 'Must be "asc" (the feed, in commit order) or "desc" (newest first)' })
      .default("asc"),
    after: position(0).optional(),
    type: z
      .string()
      .max(100, "An event type is at most 100 characters")
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, "Must be an event type, like user.renamed")
      .optional(),
    actor: actorFilter.optional(),
    stream: text("A stream id", { max: 255 })
      .transform((value) => value.trim())
      .pipe(z.string().min(1, "Name a stream, like user-<id>"))
      .optional(),
    from: instant.optional(),
    to: instant.optional(),
    position: position(1).optional(),
    cursor: z.string().max(500).optional(),
    limit: pageLimit(1000, 100),
  })
  .superRefine((query, context) => {
    if (query.order === "asc") {
      for (const key of listingOnly) {
        if (query[key] !== undefined)
          context.addIssue({ code: "custom", path: [key], message: "Only with order=desc (newest first)" });
      }
      return;
    }
    if (query.after !== undefined)
      context.addIssue({ code: "custom", path: ["after"], message: "With order=desc, page with cursor" });
    if (query.position !== undefined && query.cursor !== undefined) {
      context.addIssue({ code: "custom", path: ["position"], message: "Give position or cursor, not both" });
    }
    if (query.from && query.to && query.from >= query.to) {
      context.addIssue({ code: "custom", path: ["from"], message: "from must be before to" });
    }
  });

export type EventsQuery = z.output<typeof eventsQuery>;
