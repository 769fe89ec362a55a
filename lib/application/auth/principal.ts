// Who is asking: a signed-in admin (browser session) or a service holding an API token.
import { apiScopes, type ApiScope } from "../../domain/access/scopes";

export type Principal =
  | { kind: "admin"; adminId: string; email: string; sessionTokenHash: string; csrfToken: string }
  | { kind: "token"; tokenId: string; name: string; createdBy: string; scopes: ApiScope[] };

/** How a principal appears as the actor in event metadata and the audit trail. */
export function actorOf(principal: Pick<Extract<Principal, { kind: "admin" }>, "kind" | "email"> | Principal): string {
  return principal.kind === "admin"
    ? `admin:${principal.email}`
    : `token:${principal.name}#${principal.tokenId.slice(0, 8)}`;
}

/** A signed-in admin has every scope; a token only those it was created with. */
export function scopesOf(principal: Principal): ApiScope[] {
  return principal.kind === "admin" ? [...apiScopes] : principal.scopes;
}

export function hasScope(principal: Principal, scope: ApiScope): boolean {
  return scopesOf(principal).includes(scope);
}
