// Long-lived requests (the event stream) must end with the credentials they were opened with. A
// revocation or a sign-out NOTIFYs every server process on one channel once it is committed; each
// process then re-checks, in one query, every credential its open streams hold, and ends the streams
// whose credential is gone. A periodic re-check catches what no NOTIFY announces (a session that
// expires, a notification lost while the LISTEN connection was down).
import type { Database, Queryable } from "../../db/database";
import { listenOn } from "../../eventstore/notifications";
import type { Principal } from "./principal";

export const credentialsChannel = "rewind_credentials";

/** Often enough that a stream ends within a second of its session expiring, even without a NOTIFY. */
export const credentialRecheckMs = 500;

/** Tells every server process that some credential ended; delivered when the caller's transaction commits. */
export async function announceCredentialsEnded(database: Queryable, kind: "token" | "session"): Promise<void> {
  await database.query("SELECT pg_notify($1, $2)", [credentialsChannel, kind]);
}

/** Whether the credential a principal was authenticated with still holds (not revoked, signed out or expired). */
export async function credentialStillValid(database: Queryable, principal: Principal): Promise<boolean> {
  const rows =
    principal.kind === "token"
      ? await database.query("SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL", [principal.tokenId])
      : await database.query("SELECT 1 FROM admin_sessions WHERE token_hash = $1 AND expires_at > now()", [
          principal.sessionTokenHash,
        ]);
  return rows.length > 0;
}

export interface CredentialWatch {
  /** Calls `ended` (once) when the principal's credential ends; the returned function stops watching. */
  watch(principal: Principal, ended: () => void): () => void;
  close(): Promise<void>;
}

interface Watcher {
  principal: Principal;
  ended: () => void;
}

export function createCredentialWatch(database: Database, { recheckMs = credentialRecheckMs } = {}): CredentialWatch {
  const watchers = new Set<Watcher>();
  let stopListening: Promise<() => Promise<void>> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let checking = false;
  let checkAgain = false;
  let closed = false;

  async function check(): Promise<void> {
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    try {
      do {
        checkAgain = false;
        const watched = [...watchers];
        if (watched.length === 0) break;
        const tokenIds = [
          ...new Set(watched.flatMap(({ principal }) => (principal.kind === "token" ? [principal.tokenId] : []))),
        ];
        const sessions = [
          ...new Set(
            watched.flatMap(({ principal }) => (principal.kind === "admin" ? [principal.sessionTokenHash] : [])),
          ),
        ];
        const valid = new Set(
          (
            await database.query<{ credential: string }>(
              `SELECT 'token:' || id::text AS credential FROM api_tokens WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL
               UNION ALL
               SELECT 'session:' || token_hash FROM admin_sessions WHERE token_hash = ANY($2::text[]) AND expires_at > now()`,
              [tokenIds, sessions],
            )
          ).map((row) => row.credential),
        );
        for (const watcher of watched) {
          const { principal } = watcher;
          const credential =
            principal.kind === "token" ? `token:${principal.tokenId}` : `session:${principal.sessionTokenHash}`;
          if (valid.has(credential) || !watchers.delete(watcher)) continue;
          watcher.ended();
        }
      } while (checkAgain);
    } catch {
      // The database is unreachable: the streams' own reads fail and end them; nothing to decide here.
    } finally {
      checking = false;
      if (watchers.size === 0) stop();
    }
  }

  function start() {
    if (closed || timer) return;
    timer = setInterval(() => void check(), recheckMs);
    timer.unref?.();
    stopListening ??= listenOn(database, credentialsChannel, {
      notified: () => void check(),
      lost: () => void check(),
      wanted: () => !closed,
    });
    stopListening.catch(() => (stopListening = undefined));
  }

  function stop() {
    clearInterval(timer);
    timer = undefined;
  }

  return {
    watch(principal, ended) {
      const watcher = { principal, ended };
      watchers.add(watcher);
      start();
      return () => {
        watchers.delete(watcher);
        if (watchers.size === 0) stop();
      };
    },
    async close() {
      closed = true;
      stop();
      watchers.clear();
      await (
        await stopListening?.catch(() => undefined)
      )?.();
    },
  };
}
