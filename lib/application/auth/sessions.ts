// Browser sessions: a random token in an HttpOnly cookie, its SHA-256 in admin_sessions, and a CSRF
// token the dashboard sends back with every change.
import type { Queryable } from "../../db/database";
import { announceCredentialsEnded } from "./credential-watch";
import type { Principal } from "./principal";
import { newSecret, sha256 } from "./secrets";

export const sessionLifetimeMs = 12 * 60 * 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function startSession(database: Queryable, adminId: string, now = new Date()): Promise<NewSession> {
  const token = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + sessionLifetimeMs);
  await database.query(
    "INSERT INTO admin_sessions (token_hash, admin_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
    [sha256(token), adminId, csrfToken, expiresAt],
  );
  // Expired sessions are swept as new ones start: the table stays the size of the signed-in admins.
  await database.query("DELETE FROM admin_sessions WHERE expires_at < $1", [now]);
  return { token, csrfToken, expiresAt };
}

export async function sessionPrincipal(database: Queryable, token: string): Promise<Principal | undefined> {
  // Named, so prepared once per connection: every request of a signed-in admin runs it.
  const [row] = await database.query<{ admin_id: string; email: string; csrf_token: string; token_hash: string }>({
    name: "admin_sessions.principal",
    text: `SELECT s.admin_id, a.email, s.csrf_token, s.token_hash FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
            WHERE s.token_hash = $1 AND s.expires_at > now()`,
    values: [sha256(token)],
  });
  return (
    row && {
      kind: "admin",
      adminId: row.admin_id,
      email: row.email,
      csrfToken: row.csrf_token,
      sessionTokenHash: row.token_hash,
    }
  );
}

export async function endSession(database: Queryable, tokenHash: string): Promise<void> {
  await database.query("DELETE FROM admin_sessions WHERE token_hash = $1", [tokenHash]);
  // Every server process ends the streams this session holds open.
  await announceCredentialsEnded(database, "session");
}
