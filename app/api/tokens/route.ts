// GET /api/tokens — the API tokens (never their secrets); POST /api/tokens — create one with its scopes, shown once
import { createApiToken, listApiTokens } from "@/lib/application/auth/api-tokens";
import { recordAdminAction } from "@/lib/application/auth/admin-actions";
import { getDatabase } from "@/lib/db";
import { requireAdmin } from "@/lib/http/authenticate";
import { readJsonBody } from "@/lib/http/request";
import { methodNotAllowed, route } from "@/lib/http/route";
import { createApiTokenBody } from "@/lib/validation/auth";

export const dynamic = "force-dynamic";

export const GET = route("admin", async () =>
  Response.json({ items: await listApiTokens(await getDatabase()) }, { headers: { "cache-control": "no-store" } }),
);

export const POST = route("admin", async (request, _params, { principal, correlationId }) => {
  const admin = requireAdmin(principal, "Only a signed-in admin creates API tokens");
  const { name, scopes } = await readJsonBody(request, createApiTokenBody);
  const created = await createApiToken(await getDatabase(), name, scopes, admin.adminId);
  await recordAdminAction(
    admin,
    { type: "admin.api_token_created", data: { tokenId: created.id, name: created.name, scopes: created.scopes } },
    correlationId,
  );
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});

export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
