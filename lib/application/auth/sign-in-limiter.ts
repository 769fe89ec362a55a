// Sign-in attempts, counted in the database so that every server process shares one count
// (docs/decisions/008). Each attempt is counted before its password is checked, in one atomic
// statement: parallel attempts cannot slip past the limit between a check and a write.
import type { Queryable } from "../../db/database";
import { sha256 } from "./secrets";

export interface SignInLimits {
  /** Attempts per email within a window: only that email is refused beyond it. */
  perEmail: number;
  /** Attempts from one client address within a window (only when the address is trusted). */
  perAddress: number;
  windowMs: number;
}

export const signInLimits: SignInLimits = { perEmail: 5, perAddress: 50, windowMs: 15 * 60_000 };

export interface SignInAttemptKeys {
  /** The email as typed, normalised here. */
  email: string;
  /** The client's address, only when a trusted proxy said it (README: REWIND_TRUST_PROXY). */
  address?: string;
}

type Kind = "email" | "address";

const normalisedEmail = (email: string) => email.trim().toLowerCase();

/** Digests, not clear text: the table holds no email or address someone typed. */
function keysOf({ email, address }: SignInAttemptKeys): { kind: Kind; key: string }[] {
  const keys: { kind: Kind; key: string }[] = [{ kind: "email", key: sha256(normalisedEmail(email)) }];
  if (address !== undefined) keys.push({ kind: "address", key: sha256(address) });
  return keys;
}

// A row whose window has passed starts a new window; otherwise its count goes up. Rows are locked
// in one order (email, then address), so concurrent statements cannot deadlock.
const countAttemptSql = `
INSERT INTO sign_in_attempts AS a (kind, key, window_started_at, attempts)
SELECT t.kind, t.key, coalesce($3::timestamptz, now()), 1
  FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(kind, key, n)
 ORDER BY t.n
ON CONFLICT (kind, key) DO UPDATE SET
  window_started_at = CASE WHEN a.window_started_at > EXCLUDED.window_started_at - $4::int * interval '1 millisecond'
                           THEN a.window_started_at ELSE EXCLUDED.window_started_at END,
  attempts = CASE WHEN a.window_started_at > EXCLUDED.window_started_at - $4::int * interval '1 millisecond'
                  THEN least(a.attempts + 1, 1000000) ELSE 1 END
RETURNING kind, attempts, window_started_at, coalesce($3::timestamptz, now()) AS now`;

/**
 * Counts one attempt against the email (and the address, when given). Returns 0 when the attempt
 * may go ahead, otherwise the milliseconds until its window ends (the attempt must be refused).
 * `now` is for tests; the database's clock is used otherwise, the same for every server process.
 */
export async function countSignInAttempt(
  database: Queryable,
  keys: SignInAttemptKeys,
  limits: SignInLimits = signInLimits,
  now?: Date,
): Promise<number> {
  const rows = keysOf(keys);
  const counted = await database.query<{ kind: Kind; attempts: number; window_started_at: Date; now: Date }>(
    countAttemptSql,
    [rows.map((row) => row.kind), rows.map((row) => row.key), now ?? null, limits.windowMs],
  );
  // A new window somewhere: the moment to drop rows whose window has passed (by age, never by count).
  if (counted.some((row) => row.attempts === 1)) {
    await database.query(
      "DELETE FROM sign_in_attempts WHERE window_started_at <= coalesce($1::timestamptz, now()) - $2::int * interval '1 millisecond'",
      [now ?? null, limits.windowMs],
    );
  }
  let wait = 0;
  for (const row of counted) {
    const limit = row.kind === "email" ? limits.perEmail : limits.perAddress;
    if (row.attempts > limit)
      wait = Math.max(wait, row.window_started_at.getTime() + limits.windowMs - row.now.getTime(), 1);
  }
  return wait;
}

/** After a successful sign-in: the email's earlier attempts no longer count (its address's still do). */
export async function forgetSignInAttempts(database: Queryable, email: string): Promise<void> {
  await database.query("DELETE FROM sign_in_attempts WHERE kind = 'email' AND key = $1", [
    sha256(normalisedEmail(email)),
  ]);
}
