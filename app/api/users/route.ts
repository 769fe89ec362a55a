// GET /api/users — list users (today's, or ?at= as they were then); POST /api/users — register a user
import { randomUUID } from "node:crypto";
import { executeUserCommand, previewUserCommand } from "@/lib/application/users/user-commands";
import { dryRunOf, previewResponse } from "@/lib/http/dry-run";
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

export const POST = route(
  "write",
  async (request, _params, context) => {
    const dryRun = dryRunOf(request);
    const body = await readJsonBody(request, registerUserBody);
    const metadata = requestMetadata(context);
    const { reason, ...fields } = body;
    if (dryRun)
      return previewResponse(
        await previewUserCommand(
          { type: "RegisterUser", userId: randomUUID(), ...fields },
          { ...metadata, reason },
          dryRun.point,
        ),
      );
    return respondIdempotently(request, body, context, async (commandId) => {
      const { user } = await executeUserCommand(
        { type: "RegisterUser", userId: randomUUID(), ...fields },
        { ...metadata, commandId, reason },
      );
      return userResponse(user, { status: 201, location: true });
    });
  },
  { answersDryRun: true },
);

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
