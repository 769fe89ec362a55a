"use client";

// What a timeline entry adds on two time axes: a mark when the event took effect at another instant
// than it was recorded, and "Correct…", which opens the matching form at the event's effective instant.
import { useSyncExternalStore } from "react";
import type { EventView } from "@/lib/application/users/user-queries";
import { correctionOf, describeShift, effectiveAtOf, type Correction } from "./two-axes";

const subscribeToNothing = () => () => {};

/** "effective 1 Mar · recorded 30 Nov", for an event that was backdated; nothing otherwise. */
export function EffectiveMark({ event }: { event: EventView }) {
  // Written in UTC on the server and in the browser's zone once hydrated (the server cannot know it).
  const timeZone = useSyncExternalStore(
    subscribeToNothing,
    () => undefined,
    () => "UTC",
  );
  const effectiveAt = effectiveAtOf(event);
  if (Date.parse(effectiveAt) === Date.parse(event.recordedAt)) return null;
  const shift = describeShift(effectiveAt, event.recordedAt, timeZone);
  return (
    <span
      data-testid="effective-mark"
      title={`Effective ${effectiveAt}, recorded ${event.recordedAt}: backdated ${shift.earlierBy}`}
      className="mt-1 flex w-fit flex-wrap items-center gap-x-1 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-950"
    >
      <span aria-hidden="true">↧</span>
      <span>
        effective <time dateTime={effectiveAt}>{shift.effective}</time> · recorded{" "}
        <time dateTime={event.recordedAt}>{shift.recorded}</time>
      </span>
      <span className="text-amber-900">({shift.earlierBy})</span>
    </span>
  );
}

/** "Correct…" for an event a change can correct (rename, email change, deactivation, reactivation). */
export function CorrectButton({
  event,
  onCorrect,
}: {
  event: EventView;
  onCorrect: ((correction: Correction) => void) | undefined;
}) {
  const correction = onCorrect ? correctionOf(event) : null;
  if (!onCorrect || !correction) return null;
  return (
    <button
      type="button"
      onClick={() => onCorrect(correction)}
      aria-label={`Correct… version ${event.version}`}
      className="mt-2 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50"
    >
      Correct…
    </button>
  );
}
