// Following the event log: catch up from a position, then keep going as events are appended.
// Catch-up and live are one loop over readAll, which never skips an event, so nothing is lost or
// repeated at the seam between them; wake-ups only say when to read again.
import { credentialStillValid } from "./auth/credential-watch";
import type { Principal } from "./auth/principal";
import { getServices } from "./services";
import { viewOfEvent, type EventView } from "./users/user-queries";

/** Without a wake-up the feed reads again after this long (a missed NOTIFY costs at most this). */
const pollMs = 2000;
const pageSize = 500;
const quickLookMs = 50;
const maxQuickLooks = 40;

export async function headPosition(): Promise<number> {
  const { store } = await getServices();
  return store.headPosition();
}

/** Throws UnknownPosition (before any streaming starts) when `after` names no event. */
export async function checkFeedPosition(after: number): Promise<void> {
  if (after === 0) return;
  const { store } = await getServices();
  await store.readAll({ after, limit: 1 });
}

export async function* followEvents(after: number, signal: AbortSignal): AsyncGenerator<EventView[]> {
  const { store, notifier } = await getServices();
  let cursor = after;
  // After a wake-up finds nothing, the new events are committed but not yet visible to the feed (an
  // older transaction is still running): look again soon rather than at the next poll.
  let quickLooks = 0;
  while (!signal.aborted) {
    // Subscribe before reading: a wake-up that arrives during the read is not missed.
    let wakeUp!: (reason: "notified" | "timer") => void;
    const woken = new Promise<"notified" | "timer">((resolve) => (wakeUp = resolve));
    const onNotify = () => wakeUp("notified");
    const onTimer = () => wakeUp("timer");
    const unsubscribe = notifier.subscribe(onNotify);
    const timer = setTimeout(onTimer, quickLooks > 0 ? quickLookMs : pollMs);
    signal.addEventListener("abort", onTimer, { once: true });
    try {
      const page = await store.readAll({ after: cursor, limit: pageSize });
      if (page.events.length > 0) {
        quickLooks = 0;
        cursor = page.lastPosition;
        yield page.events.map(viewOfEvent);
        continue;
      }
      if ((await woken) === "notified") quickLooks = maxQuickLooks;
      else if (quickLooks > 0) quickLooks--;
    } finally {
      unsubscribe();
      clearTimeout(timer);
      signal.removeEventListener("abort", onTimer);
    }
  }
}

/**
 * followEvents for as long as the principal's credential holds: it stops within a second of a
 * revocation, sign-out or expiry (on any server process), and every batch is checked against the
 * database after it was read and before it is handed out — so an event appended after a revocation
 * was acknowledged is never delivered.
 */
export async function* followEventsWhileAuthorized(
  principal: Principal,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<EventView[]> {
  const { database, credentials } = await getServices();
  const stop = new AbortController();
  const stopNow = () => stop.abort();
  signal.addEventListener("abort", stopNow, { once: true });
  const unwatch = credentials.watch(principal, stopNow);
  try {
    for await (const events of followEvents(after, stop.signal)) {
      if (!(await credentialStillValid(database, principal))) return;
      yield events;
    }
  } finally {
    unwatch();
    signal.removeEventListener("abort", stopNow);
  }
}
