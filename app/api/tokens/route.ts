// GET /api/tokens — the API tokens (never their secrets); POST /api/tokens — create one with its scopes, shown once
import { createApiToken, listApiTokens } from "@/lib/application/auth/api-tokens";
import { recordAdminAction } from "@/lib/application/auth/admin-actions";
import { getServices } from "@/lib/application/services";
import { requireAdmin } from "@/lib/http/authenticate";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { createApiTokenBody } from "@/lib/validation/auth";

export const GET = route("admin", async () => {
  const { database } = await getServices();
  return Response.json({ items: await listApiTokens(database) }, { headers: { "cache-control": "no-store" } });
});

export const POST = route("admin", async (request, _params, { principal, correlationId }) => {
  const admin = requireAdmin(principal, "Only a signed-in admin creates API tokens");
  const { name, scopes } = await readJsonBody(request, createApiTokenBody);
  const { database } = await getServices();
  const created = await createApiToken(database, name, scopes, admin.adminId);
  await recordAdminAction(
    admin,
    { type: "admin.api_token_created", data: { tokenId: created.id, name: created.name, scopes: created.scopes } },
    correlationId,
  );
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
