// GET /api/users/[id] — a user now, or at ?version= / ?at= / ?knownAt= (time travel on both axes); PUT — rename (the seed demo's form)
import { getUser, getUserAt } from "@/lib/application/users/user-queries";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route, timeTravel } from "@/lib/http/route";
import { renameUserBody, userPointQuery } from "@/lib/validation/users";
import { userCommandRoute } from "@/lib/http/user-command-route";
import { userIdFrom, userResponse } from "@/lib/http/responses";

export const GET = route<{ id: string }>(
  "read",
  async (request, params) => {
    const userId = userIdFrom(params.id);
    const point = parseQuery(request, userPointQuery);
    if (point.version !== undefined)
      return userResponse(await getUserAt(userId, { version: point.version }), { request });
    if (point.at !== undefined)
      return userResponse(await getUserAt(userId, { effectiveAt: point.at, knownAt: point.knownAt }), { request });
    if (point.knownAt !== undefined)
      return userResponse(await getUserAt(userId, { knownAt: point.knownAt }), { request });
    return userResponse(await getUser(userId), { request });
  },
  { mayReadReplica: timeTravel },
);

export const PUT = userCommandRoute("write", renameUserBody, (userId, body) => ({
  type: "RenameUser",
  userId,
  name: body.name,
  effectiveAt: body.effectiveAt,
}));

export const { POST, PATCH, DELETE } = otherMethodsNotAllowed({ GET, PUT });
