// Requests sent with an Idempotency-Key: the first one runs and its response is kept; a retry gets
// that response back and runs nothing. A retry that arrives while the first is still running is
// told so (409) rather than run twice; a claim left behind by a crashed process expires.
import { createHash } from "node:crypto";
import { ApplicationError } from "./errors";
import { getServices } from "./services";
import { holdKeysOf } from "./users/personal-data";

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class IdempotencyKeyReused extends ApplicationError {
  readonly code = "idempotency_key_reused";
  constructor() {
    super("This Idempotency-Key was already used for a different request; use a new key for a new request");
    this.name = "IdempotencyKeyReused";
  }
}

export class IdempotentRequestInProgress extends ApplicationError {
  readonly code = "idempotent_request_in_progress";
  constructor() {
    super("A request with this Idempotency-Key is still being processed; retry in a moment");
    this.name = "IdempotentRequestInProgress";
  }
}

const pending = 0;
const claimTimeoutSeconds = 60;
const keepHours = 24;

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The users a stored reply may speak of: every id in its key (the route's path) and body. */
const usersNamedIn = (text: string) => [...new Set(text.toLowerCase().match(uuid) ?? [])];

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Runs `produce` once per key. `produce` gets a command id derived from the key, so that even a
 * takeover after a crash cannot append twice (the event store deduplicates on it).
 */
export async function runIdempotently(
  key: string,
  fingerprint: string,
  produce: (commandId: string) => Promise<StoredResponse>,
): Promise<{ response: StoredResponse; replayed: boolean }> {
  const { database } = await getServices();
  const claimed = await database.query({
    name: "idempotency.claim",
    text: `INSERT INTO idempotent_requests (key, fingerprint, status, headers, body) VALUES ($1, $2, ${pending}, '{}', '')
           ON CONFLICT (key) DO UPDATE SET created_at = now()
            WHERE idempotent_requests.status = ${pending}
              AND idempotent_requests.fingerprint = EXCLUDED.fingerprint
              AND idempotent_requests.created_at < now() - interval '${claimTimeoutSeconds} seconds'
           RETURNING key`,
    values: [key, fingerprint],
  });

  if (claimed.length === 0) {
    const [existing] = await database.query<{
      fingerprint: string;
      status: number;
      headers: Record<string, string>;
      body: string;
    }>({
      name: "idempotency.find",
      text: `SELECT fingerprint, status, headers, body FROM idempotent_requests WHERE key = $1`,
      values: [key],
    });
    if (!existing) return runIdempotently(key, fingerprint, produce);
    if (existing.fingerprint !== fingerprint) throw new IdempotencyKeyReused();
    if (existing.status === pending) throw new IdempotentRequestInProgress();
    return { response: { status: existing.status, headers: existing.headers, body: existing.body }, replayed: true };
  }

  let response: StoredResponse;
  try {
    response = await produce(`idempotency-${sha256(key).slice(0, 40)}`);
  } catch (error) {
    await releaseClaim(key);
    throw error;
  }
  if (response.status >= 500) {
    // Our failure, not an answer: the client may retry and have the request run.
    await releaseClaim(key);
  } else {
    await database.transaction(async (tx) => {
      // A reply may hold a user's personal data, decrypted before this transaction: it is kept only
      // while the keys of the users it names are held (forgetting one waits, then deletes it), and
      // not at all once one of them is forgotten — a retry then runs again and gets today's answer.
      const named = usersNamedIn(`${key} ${response.body}`);
      const writable = await holdKeysOf(tx, named);
      if (named.every((userId) => writable.has(userId))) {
        await tx.query({
          name: "idempotency.complete",
          text: `UPDATE idempotent_requests SET status = $2, headers = $3::jsonb, body = $4 WHERE key = $1`,
          values: [key, response.status, JSON.stringify(response.headers), response.body],
        });
      } else {
        await tx.query({
          name: "idempotency.release",
          text: `DELETE FROM idempotent_requests WHERE key = $1 AND status = ${pending}`,
          values: [key],
        });
      }
    });
  }
  if (Math.random() < 0.01) {
    await database
      .query(`DELETE FROM idempotent_requests WHERE created_at < now() - interval '${keepHours} hours'`)
      .catch(() => {});
  }
  return { response, replayed: false };
}

async function releaseClaim(key: string) {
  const { database } = await getServices();
  await database.query({
    name: "idempotency.release",
    text: `DELETE FROM idempotent_requests WHERE key = $1 AND status = ${pending}`,
    values: [key],
  });
}
