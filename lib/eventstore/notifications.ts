// Wake-ups for subscribers: "events may have been appended". Appends made in this process wake
// local subscribers at once; other processes hear of them through PostgreSQL's LISTEN/NOTIFY (one
// NOTIFY per burst of appends, outside the appends' transactions, so commits do not queue on the
// notification lock). A wake-up carries no data: subscribers read the log from their cursor, so a
// lost or doubled wake-up can delay an event but never lose or repeat one.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Database } from "../db/database";

export const eventsChannel = "rewind_events";
// At most one NOTIFY per this many milliseconds: each is a round trip on the thread that serves the
// commands (about one per three renames under load at 5 ms); other processes hear of appends this much later.
const coalesceMs = 25;
const reconnectMs = 1000;

export interface EventNotifier {
  /** An append committed in this process. */
  appended: () => void;
  /** Calls `listener` whenever events may have been appended, here or in another process. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  notified: (payload: string) => void;
  /** The LISTEN connection was lost (a database restart): notifications may have been missed. */
  lost?(): void;
  /** Whether to (re)connect: false once nobody listens any more. */
  wanted?(): boolean;
}

/**
 * LISTENs on `channel` (its own connection on PostgreSQL, reconnecting after a second when lost) until
 * the returned function is called. Also used for other broadcasts than events (credentials ending).
 */
export async function listenOn(
  database: Database,
  channel: string,
  handlers: ChannelHandlers,
): Promise<() => Promise<void>> {
  if (database.backend === "pglite") return database.pglite.listen(channel, handlers.notified);
  let client: pg.Client | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const connect = async () => {
    if (stopped || handlers.wanted?.() === false) return;
    const next = new pg.Client(database.pool.options);
    next.on("notification", (message) => handlers.notified(message.payload ?? ""));
    next.on("error", () => {
      next.end().catch(() => {});
      if (client === next) client = undefined;
      timer = setTimeout(() => void connect(), reconnectMs);
      handlers.lost?.();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      client = next;
    } catch {
      next.end().catch(() => {});
      timer = setTimeout(() => void connect(), reconnectMs);
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await client?.end().catch(() => {});
    client = undefined;
  };
}

export function createEventNotifier(database: Database): EventNotifier {
  const listeners = new Set<() => void>();
  // Our own NOTIFYs come back to us; local subscribers were woken already.
  const origin = randomUUID();
  let notifyScheduled = false;
  let stopListening: (() => Promise<void>) | undefined;
  let closed = false;

  const wake = () => {
    for (const listener of [...listeners]) listener();
  };

  const listen = () =>
    listenOn(database, eventsChannel, {
      notified: (payload) => {
        if (payload !== origin) wake();
      },
      // A lost connection may have dropped NOTIFYs: wake everyone to re-read.
      lost: wake,
      wanted: () => !closed && listeners.size > 0,
    });

  return {
    appended() {
      queueMicrotask(wake);
      if (notifyScheduled) return;
      notifyScheduled = true;
      setTimeout(() => {
        notifyScheduled = false;
        database.query("SELECT pg_notify($1, $2)", [eventsChannel, origin]).catch(() => {});
      }, coalesceMs);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!stopListening) {
        const starting = listen();
        stopListening = async () => (await starting)();
        starting.catch(() => (stopListening = undefined));
      }
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      await stopListening?.();
    },
  };
}
