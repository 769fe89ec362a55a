// POST /api/tokens/:id/revoke — revoke an API token: every later request with it gets 401 (?dryRun=true: decide only)
import { revokeApiToken } from "@/lib/application/auth/api-tokens";
import { previewRevokeApiToken } from "@/lib/application/auth/api-token-previews";
import { recordAdminAction } from "@/lib/application/auth/admin-actions";
import { getServices } from "@/lib/application/services";
import { requireAdmin } from "@/lib/http/authenticate";
import { dryRunNowOf, previewResponse } from "@/lib/http/dry-run";
import { HttpError } from "@/lib/http/errors";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { apiTokenIdPattern } from "@/lib/validation/auth";

export const POST = route<{ id: string }>(
  "admin",
  async (request, { id }, { principal, correlationId }) => {
    const dryRun = dryRunNowOf(request, "a token has no versions: a dry run decides on the token as it is");
    const admin = requireAdmin(principal, "Only a signed-in admin revokes API tokens");
    if (!apiTokenIdPattern.test(id))
      throw new HttpError("token_not_found", `There is no API token ${JSON.stringify(id).slice(0, 80)}`);
    if (dryRun) return previewResponse(await previewRevokeApiToken(admin, id));
    const { database } = await getServices();
    const revoked = await revokeApiToken(database, id);
    await recordAdminAction(
      admin,
      { type: "admin.api_token_revoked", data: { tokenId: revoked.id, name: revoked.name } },
      correlationId,
    );
    return Response.json(revoked, { headers: { "cache-control": "no-store" } });
  },
  { answersDryRun: true },
);

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
