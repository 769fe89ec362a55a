// Reads from a streaming replica, when one is configured (DATABASE_REPLICA_URL), without ever
// showing a client something older than what it has already seen. Every answer a read may be
// compared with carries a log position (a WAL LSN, `Rewind-Log-Position`); a read that sends one
// back is served by the replica only once the replica has replayed that far, else by the primary.
// A replica that cannot be reached is left alone for a while, and its reads go to the primary.
import type { Database } from "./database";

/** The request and answer header that carries a position in the primary's write-ahead log. */
export const logPositionHeader = "rewind-log-position";

// pg_lsn's text form: two hexadecimal numbers of up to 32 bits each.
const lsnPattern = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

export const isLogPosition = (value: string): boolean => lsnPattern.test(value);

export interface ReadChoice {
  database: Database;
  servedBy: "primary" | "replica";
  /** Why the primary, when it is because the replica just failed (for the log). */
  replicaFailure?: unknown;
}

export interface ReplicaRouterOptions {
  /** How long a read that carries a position waits for the replica to replay that far (ms). */
  catchUpWaitMs?: number;
  pollIntervalMs?: number;
  /** How long an unreachable replica is skipped before it is tried again (ms). */
  downForMs?: number;
  now?: () => number;
}

export interface ReplicaRouter {
  /** Where a read that has seen `position` (undefined: nothing) may be served. */
  choose(position: string | undefined): Promise<ReadChoice>;
  /** The replica failed to answer: reads go to the primary for a while. */
  markDown(): void;
  /** The primary's position now: everything committed so far lies at or before it. */
  primaryPosition(): Promise<string>;
  /** The position the replica has replayed to. */
  replicaPosition(): Promise<string | undefined>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export function createReplicaRouter(
  primary: Database,
  replica: Database,
  options: ReplicaRouterOptions = {},
): ReplicaRouter {
  const { catchUpWaitMs = 200, pollIntervalMs = 20, downForMs = 5_000, now = Date.now } = options;
  let downUntil = 0;
  const onPrimary: ReadChoice = { database: primary, servedBy: "primary" };
  const onReplica: ReadChoice = { database: replica, servedBy: "replica" };

  // pg_last_wal_replay_lsn() is null on a server that is not (or no longer) a standby: not caught up.
  const replayed = async (position: string): Promise<boolean> => {
    const [row] = await replica.query<{ replayed: boolean | null }>({
      name: "replica.replayed",
      text: "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed",
      values: [position],
    });
    return row?.replayed === true;
  };

  const router: ReplicaRouter = {
    async choose(position) {
      if (now() < downUntil) return onPrimary;
      if (position === undefined) return onReplica;
      try {
        for (const deadline = now() + catchUpWaitMs; ; await sleep(pollIntervalMs)) {
          if (await replayed(position)) return onReplica;
          if (now() + pollIntervalMs > deadline) return onPrimary;
        }
      } catch (error) {
        router.markDown();
        return { ...onPrimary, replicaFailure: error };
      }
    },
    markDown() {
      downUntil = now() + downForMs;
    },
    async primaryPosition() {
      // The flush position: a committed transaction's commit record lies before it (synchronous
      // commit), and a replica can replay up to it.
      const [row] = await primary.query<{ position: string }>({
        name: "primary.log_position",
        text: "SELECT pg_current_wal_flush_lsn()::text AS position",
      });
      return row!.position;
    },
    async replicaPosition() {
      const [row] = await replica.query<{ position: string | null }>({
        name: "replica.log_position",
        text: "SELECT pg_last_wal_replay_lsn()::text AS position",
      });
      return row?.position ?? undefined;
    },
  };
  return router;
}

const connectionErrorCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

/**
 * Whether an error means the replica, not the query, failed: it could not be reached, it shut down,
 * or it cancelled the query because replay needed what the query read (a recovery conflict).
 */
export function isReplicaFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (connectionErrorCodes.has(code)) return true;
    // Class 08: connection exception; 57P01–57P03: shutting down, cannot connect now; 40001 with a
    // standby: canceled by a conflict with recovery.
    if (code.startsWith("08") || /^57P0[1-3]$/.test(code) || code === "40001") return true;
  }
  return typeof message === "string" && /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}
