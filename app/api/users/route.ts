// GET /api/users — list users (today's, or ?at= as they were then); POST /api/users — register a user
import { randomUUID } from "node:crypto";
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { decodeCursor, listUsers } from "@/lib/application/users/user-queries";
import { parseQuery, readJsonBody, requestMetadata, validationError } from "@/lib/http/request";
import { otherMethodsNotAllowed, route, timeTravel } from "@/lib/http/route";
import { registerUserBody, userListQuery } from "@/lib/validation/users";
import { respondIdempotently, userResponse } from "@/lib/http/responses";

export const GET = route(
  "read",
  async (request) => {
    const query = parseQuery(request, userListQuery);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !cursor)
      throw validationError([{ path: "cursor", message: "Not a cursor this API returned" }]);
    return Response.json(await listUsers(query, cursor), { headers: { "cache-control": "no-store" } });
  },
  { mayReadReplica: timeTravel },
);

export const POST = route("write", async (request, _params, context) => {
  const body = await readJsonBody(request, registerUserBody);
  const metadata = requestMetadata(context);
  return respondIdempotently(request, body, context, async (commandId) => {
    const { reason, ...fields } = body;
    const { user } = await executeUserCommand(
      { type: "RegisterUser", userId: randomUUID(), ...fields },
      { ...metadata, commandId, reason },
    );
    return userResponse(user, { status: 201, location: true });
  });
});

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
