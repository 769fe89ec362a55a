// What an API token may do. A signed-in admin may do everything; a token only what it was given
// when it was created (scopes never change afterwards: revoke and create another).
export const apiScopes = ["read", "write", "erase", "admin"] as const;

export type ApiScope = (typeof apiScopes)[number];

export const scopeDescriptions: Record<ApiScope, string> = {
  read: "queries, the event feed and stream, reports, metrics",
  write: "commands: register, rename, change email or password, (de)activate",
  erase: "forget a user for good (right to erasure)",
  admin: "projections and rebuilds, the audit trail, the token list",
};

/** What tokens made before scopes existed were given (docs/decisions/010-api-token-scopes.md). */
export const scopesOfTokensBeforeScopes: readonly ApiScope[] = ["read", "write"];

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (apiScopes as readonly string[]).includes(value);
}

/** Scopes in their canonical order, each once. */
export function normaliseScopes(scopes: readonly ApiScope[]): ApiScope[] {
  return apiScopes.filter((scope) => scopes.includes(scope));
}
