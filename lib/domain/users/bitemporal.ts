// Two time axes: when a change took effect in the world (effective) and when Rewind recorded it
// (recorded). A change reported late is backdated: recorded now, effective earlier.
import type { RecordedUserEvent } from "./events";
import { foldUser, type RegisteredUser, type UserState } from "./state";

/** When the event took effect: its effectiveAt, or when it was recorded. */
export const effectiveAtOf = (event: RecordedUserEvent): string => event.data.effectiveAt ?? event.recordedAt;

const instant = (iso: string) => Date.parse(iso);

/** The events in effective order: by effective instant, then by version. */
export function inEffectiveOrder(events: Iterable<RecordedUserEvent>): RecordedUserEvent[] {
  return [...events].sort((a, b) => instant(effectiveAtOf(a)) - instant(effectiveAtOf(b)) || a.version - b.version);
}

/** A point on both axes: the world at `effectiveAt` as Rewind knew it at `knownAt` (ISO 8601 instants). */
export type BitemporalPoint = { effectiveAt: string; knownAt: string };

/**
 * The user at effective instant T as known at recorded instant K: the fold of the events recorded at
 * or before K that took effect at or before T, in effective order.
 */
export function userStateAt(events: Iterable<RecordedUserEvent>, point: BitemporalPoint): UserState {
  const effective = instant(point.effectiveAt);
  const known = instant(point.knownAt);
  return foldUser(
    inEffectiveOrder(events).filter(
      (event) => instant(event.recordedAt) <= known && instant(effectiveAtOf(event)) <= effective,
    ),
  );
}

/** The latest instant at which any of the user's known changes took effect. */
export function latestEffectiveAt(state: RegisteredUser): string {
  return Object.values(state.effectiveSince).reduce((latest, at) => (instant(at) > instant(latest) ? at : latest));
}
