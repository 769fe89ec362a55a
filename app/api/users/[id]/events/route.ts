// GET /api/users/[id]/events — a user's events in stream order (password hashes redacted)
import { getUserEvents } from "@/lib/application/users/user-queries";
import { parseQuery } from "@/lib/http/request";
import { anyRead, otherMethodsNotAllowed, route } from "@/lib/http/route";
import { emptyQuery } from "@/lib/validation/users";
import { userIdFrom } from "@/lib/http/responses";

export const GET = route<{ id: string }>(
  "read",
  async (request, params) => {
    const userId = userIdFrom(params.id);
    parseQuery(request, emptyQuery);
    return Response.json({ items: await getUserEvents(userId) }, { headers: { "cache-control": "no-store" } });
  },
  { mayReadReplica: anyRead },
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
