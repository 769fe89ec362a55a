// GET /api/events — the global event feed after a position (it never skips an event), or with
// order=desc the log newest first, filtered by type, actor, stream and period
import { browseEventLog, decodeLogCursor } from "@/lib/application/event-log";
import { readEventFeed } from "@/lib/application/users/user-queries";
import { parseQuery, validationError } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { eventsQuery } from "@/lib/validation/events";

export const GET = route("read", async (request) => {
  const { order, after, cursor, limit, ...filters } = parseQuery(request, eventsQuery);
  const headers = { "cache-control": "no-store" };
  if (order === "asc") {
    const page = await readEventFeed(after ?? 0, limit);
    return Response.json({ items: page.items, nextAfter: page.lastPosition }, { headers });
  }
  const key = cursor === undefined ? undefined : decodeLogCursor(cursor);
  if (cursor !== undefined && !key)
    throw validationError([{ path: "cursor", message: "Not a cursor this API returned" }]);
  return Response.json(await browseEventLog({ ...filters, limit, after: key }), { headers });
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
