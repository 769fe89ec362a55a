// GET /api/events — the global event feed after a position; it never skips an event
import { readEventFeed } from "@/lib/application/users/user-queries";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { eventFeedQuery } from "@/lib/validation/users";

export const GET = route("read", async (request) => {
  const { after, limit } = parseQuery(request, eventFeedQuery);
  const page = await readEventFeed(after, limit);
  return Response.json({ items: page.items, nextAfter: page.lastPosition }, { headers: { "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
