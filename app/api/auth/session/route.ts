// GET /api/auth/session — who is signed in (the admin's email, or the API token's name) and with which scopes
import { actorOf } from "@/lib/application/auth";
import { scopesOf } from "@/lib/application/auth/principal";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";

export const GET = route("authenticated", async (_request, _params, { principal }) =>
  Response.json(
    principal.kind === "admin"
      ? { kind: "admin", email: principal.email, actor: actorOf(principal), scopes: scopesOf(principal) }
      : { kind: "token", name: principal.name, actor: actorOf(principal), scopes: scopesOf(principal) },
    { headers: { "cache-control": "no-store" } },
  ),
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
