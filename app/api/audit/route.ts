// GET /api/audit?actor=&from=&to=&cursor=&limit= — what admins and API tokens did, newest first
import { auditTrail, decodeAuditCursor } from "@/lib/application/audit";
import { parseQuery, validationError } from "@/lib/http/request";
import { anyRead, otherMethodsNotAllowed, route } from "@/lib/http/route";
import { auditQuery } from "@/lib/validation/audit";

export const GET = route(
  "admin",
  async (request) => {
    const query = parseQuery(request, auditQuery);
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw validationError([{ path: "cursor", message: "Not a cursor this API returned" }]);
    return Response.json(await auditTrail({ ...query, after }), { headers: { "cache-control": "no-store" } });
  },
  { mayReadReplica: anyRead },
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
