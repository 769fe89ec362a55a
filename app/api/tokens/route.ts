// GET /api/tokens — the API tokens (never their secrets); POST /api/tokens — create one with its scopes, shown once (?dryRun=true: decide only)
import { createApiToken, listApiTokens } from "@/lib/application/auth/api-tokens";
import { previewCreateApiToken } from "@/lib/application/auth/api-token-previews";
import { recordAdminAction } from "@/lib/application/auth/admin-actions";
import { getServices } from "@/lib/application/services";
import { requireAdmin } from "@/lib/http/authenticate";
import { dryRunNowOf, previewResponse } from "@/lib/http/dry-run";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { createApiTokenBody } from "@/lib/validation/auth";

export const GET = route("admin", async () => {
  const { database } = await getServices();
  return Response.json({ items: await listApiTokens(database) }, { headers: { "cache-control": "no-store" } });
});

export const POST = route(
  "admin",
  async (request, _params, { principal, correlationId }) => {
    const dryRun = dryRunNowOf(request, "a token has no versions: a dry run decides on the tokens as they are");
    const admin = requireAdmin(principal, "Only a signed-in admin creates API tokens");
    const { name, scopes } = await readJsonBody(request, createApiTokenBody);
    if (dryRun) return previewResponse(previewCreateApiToken(admin, name, scopes));
    const { database } = await getServices();
    const created = await createApiToken(database, name, scopes, admin.adminId);
    await recordAdminAction(
      admin,
      { type: "admin.api_token_created", data: { tokenId: created.id, name: created.name, scopes: created.scopes } },
      correlationId,
    );
    return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
  },
  { answersDryRun: true },
);

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
