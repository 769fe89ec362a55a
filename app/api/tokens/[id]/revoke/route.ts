// POST /api/tokens/:id/revoke — revoke an API token: every later request with it gets 401
import { revokeApiToken } from "@/lib/application/auth/api-tokens";
import { recordAdminAction } from "@/lib/application/auth/admin-actions";
import { getServices } from "@/lib/application/services";
import { requireAdmin } from "@/lib/http/authenticate";
import { HttpError } from "@/lib/http/errors";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { apiTokenIdPattern } from "@/lib/validation/auth";

export const POST = route<{ id: string }>("admin", async (_request, { id }, { principal, correlationId }) => {
  const admin = requireAdmin(principal, "Only a signed-in admin revokes API tokens");
  if (!apiTokenIdPattern.test(id))
    throw new HttpError("token_not_found", `There is no API token ${JSON.stringify(id).slice(0, 80)}`);
  const { database } = await getServices();
  const revoked = await revokeApiToken(database, id);
  await recordAdminAction(
    admin,
    { type: "admin.api_token_revoked", data: { tokenId: revoked.id, name: revoked.name } },
    correlationId,
  );
  return Response.json(revoked, { headers: { "cache-control": "no-store" } });
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
