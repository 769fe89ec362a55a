// The users table, kept in step with the events by the append itself (an inline projection run
// within the append's statement): the user's row becomes its state after the new events.
import type { Statement } from "../../db/database";
import type { RegisteredUser } from "../../domain/users";
import { EmailTaken } from "../errors";

/**
 * Upserts `state` (the fold after the appended events). Version and times come from the rows
 * actually appended; when the append is refused, `appended` is empty and nothing is written.
 */
export function upsertUserRow(state: RegisteredUser): Statement {
  // A forgotten user leaves the users table: nothing personal is kept outside the (erased) log.
  if (state.status === "forgotten") {
    return {
      name: "users.forget",
      text: `DELETE FROM users WHERE id = $1::uuid AND EXISTS (SELECT 1 FROM appended)`,
      values: [state.id],
    };
  }
  return {
    // Short: the append's composed name must stay within PostgreSQL's 63 bytes to be prepared once.
    name: "users",
    text: `INSERT INTO users (id, name, email, status, version, created_at, updated_at)
           SELECT $1::uuid, $2::text, $3::text, $4::text, max(version), min(recorded_at), max(recorded_at)
             FROM appended HAVING count(*) > 0
           ON CONFLICT (id) DO UPDATE
              SET name = EXCLUDED.name, email = EXCLUDED.email, status = EXCLUDED.status,
                  version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    values: [state.id, state.name, state.email, state.status],
  };
}

/** The users table's unique email index, violated: another user has this address. */
export function asEmailTaken(error: unknown, email: string): unknown {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === "23505" && constraint === "users_email_key" ? new EmailTaken(email) : error;
}
