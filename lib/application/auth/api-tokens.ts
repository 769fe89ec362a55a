// Bearer tokens for other services: created by an admin with the scopes it needs, shown once, stored
// as a SHA-256, revocable.
import { randomUUID } from "node:crypto";
import type { Queryable } from "../../db/database";
import { ApplicationError } from "../errors";
import { announceCredentialsEnded } from "./credential-watch";
import type { Principal } from "./principal";
import { isApiScope, normaliseScopes, type ApiScope } from "../../domain/access/scopes";
import { newSecret, sha256 } from "./secrets";

/** Recognisable in logs and secret scanners. */
export const apiTokenPrefix = "rwd_";

export interface ApiTokenView {
  id: string;
  name: string;
  scopes: ApiScope[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export class ApiTokenNotFound extends ApplicationError {
  readonly code = "token_not_found";
  constructor(readonly tokenId: string) {
    super(`No API token ${tokenId}`);
    this.name = "ApiTokenNotFound";
  }
}

export async function createApiToken(
  database: Queryable,
  name: string,
  scopes: readonly ApiScope[],
  createdBy: string,
): Promise<ApiTokenView & { token: string }> {
  const token = newSecret(apiTokenPrefix);
  const [row] = await database.query<TokenRow>(
    `INSERT INTO api_tokens (id, name, token_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, name, scopes, created_at, last_used_at, revoked_at, (SELECT email FROM admins WHERE id = $5) AS created_by`,
    [randomUUID(), name, sha256(token), normaliseScopes(scopes), createdBy],
  );
  return { ...toView(row!), token };
}

export async function listApiTokens(database: Queryable): Promise<ApiTokenView[]> {
  const rows = await database.query<TokenRow>(
    `SELECT t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at, a.email AS created_by
       FROM api_tokens t JOIN admins a ON a.id = t.created_by ORDER BY t.created_at DESC, t.id`,
  );
  return rows.map(toView);
}

/** One token as the list shows it; a token that does not exist → ApiTokenNotFound, as revoking it answers. */
export async function findApiToken(database: Queryable, id: string): Promise<ApiTokenView> {
  const [row] = await database.query<TokenRow>(
    `SELECT t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at, a.email AS created_by
       FROM api_tokens t JOIN admins a ON a.id = t.created_by WHERE t.id = $1`,
    [id],
  );
  if (!row) throw new ApiTokenNotFound(id);
  return toView(row);
}

/**
 * A token as revoking it leaves it: revoked from `at`, or still from when it first was (revoking
 * twice changes nothing but the audit trail). revokeApiToken's UPDATE says the same with coalesce,
 * in the statement, so that two revocations at once keep the first instant.
 */
export function tokenAfterRevocation(token: ApiTokenView, at: Date): ApiTokenView {
  return { ...token, revokedAt: token.revokedAt ?? at.toISOString() };
}

export async function revokeApiToken(database: Queryable, id: string): Promise<ApiTokenView> {
  const [row] = await database.query<TokenRow>(
    `UPDATE api_tokens t SET revoked_at = coalesce(t.revoked_at, now()) FROM admins a
      WHERE t.id = $1 AND a.id = t.created_by
      RETURNING t.id, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at, a.email AS created_by`,
    [id],
  );
  if (!row) throw new ApiTokenNotFound(id);
  // Committed: every server process now ends the streams this token holds open.
  await announceCredentialsEnded(database, "token");
  return toView(row);
}

export async function tokenPrincipal(database: Queryable, token: string): Promise<Principal | undefined> {
  if (!token.startsWith(apiTokenPrefix)) return undefined;
  // Marks the use in the same statement; at most once a minute, so busy services do not write per request.
  // Named, so prepared once per connection: every authenticated request runs it.
  const [row] = await database.query<{ id: string; name: string; scopes: string[]; created_by: string }>({
    name: "api_tokens.principal",
    text: `WITH found AS (SELECT id, name, scopes, created_by, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL),
                touched AS (UPDATE api_tokens t SET last_used_at = now() FROM found
                             WHERE t.id = found.id AND (found.last_used_at IS NULL OR found.last_used_at < now() - interval '1 minute'))
           SELECT id, name, scopes, created_by FROM found`,
    values: [sha256(token)],
  });
  return (
    row && { kind: "token", tokenId: row.id, name: row.name, createdBy: row.created_by, scopes: scopesIn(row.scopes) }
  );
}

/** The stored scopes, ignoring any this version does not know (a newer one may have added some). */
const scopesIn = (stored: string[]): ApiScope[] => normaliseScopes(stored.filter(isApiScope));

interface TokenRow extends Record<string, unknown> {
  id: string;
  name: string;
  scopes: string[];
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const toView = (row: TokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  scopes: scopesIn(row.scopes),
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
  revokedAt: row.revoked_at?.toISOString() ?? null,
});
