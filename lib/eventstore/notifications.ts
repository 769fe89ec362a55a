// Wake-ups for subscribers: "events may have been appended". Appends made in this process wake
// local subscribers at once; other processes hear of them through PostgreSQL's LISTEN/NOTIFY (one
// NOTIFY per burst of appends, outside the appends' transactions, so commits do not queue on the
// notification lock). A wake-up carries no data: subscribers read the log from their cursor, so a
// lost or doubled wake-up can delay an event but never lose or repeat one.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Database } from "../db/database";

export const eventsChannel = "rewind_events";
const coalesceMs = 5;
const reconnectMs = 1000;

export interface EventNotifier {
  /** An append committed in this process. */
  appended(): void;
  /** Calls `listener` whenever events may have been appended, here or in another process. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
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

  async function listen(): Promise<() => Promise<void>> {
    if (database.backend === "pglite") {
      const unlisten = await database.pglite.listen(eventsChannel, (payload) => {
        if (payload !== origin) wake();
      });
      return unlisten;
    }
    let client: pg.Client | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      if (closed || listeners.size === 0) return;
      const next = new pg.Client(database.pool.options);
      next.on("notification", (message) => {
        if (message.payload !== origin) wake();
      });
      next.on("error", () => {
        // Lost the connection (a database restart): reconnect, and wake everyone to re-read.
        next.end().catch(() => {});
        if (client === next) client = undefined;
        timer = setTimeout(() => void connect(), reconnectMs);
        wake();
      });
      try {
        await next.connect();
        await next.query(`LISTEN ${eventsChannel}`);
        client = next;
      } catch {
        next.end().catch(() => {});
        timer = setTimeout(() => void connect(), reconnectMs);
      }
    };
    await connect();
    return async () => {
      clearTimeout(timer);
      await client?.end().catch(() => {});
      client = undefined;
    };
  }

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
