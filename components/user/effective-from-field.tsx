"use client";

// "Effective from": when a change took effect in the world, if not now — a change reported late, or
// a correction at the instant of the change it corrects. Shared by the rename, email, deactivate and
// reactivate forms, like their "Why".
import { useId, useSyncExternalStore } from "react";
import type { ApiError } from "@/lib/client/api";
import { AbsoluteTime } from "../relative-time";
import type { Correction } from "./two-axes";

const subscribeToNothing = () => () => {};
const datedProblems = ["effective-before-registration", "effective-history-conflict"];

/** A problem of the change's effective instant: refused on the effective axis (409), or not an instant the API takes (400). */
export function effectiveProblem(error: ApiError | null): { title?: string; message: string } | undefined {
  if (!error) return undefined;
  if (datedProblems.some((code) => error.type?.endsWith(`/${code}`)))
    return { title: error.title, message: error.detail };
  const field = error.forField("effectiveAt");
  return field ? { message: field } : undefined;
}

const correctedWhat: Record<Correction["target"], string> = {
  rename: "rename",
  "change-email": "email change",
  deactivate: "deactivation",
  reactivate: "reactivation",
};

export function EffectiveFromField({
  value,
  onChange,
  problem,
  correction,
  onCancelCorrection,
}: {
  /** A datetime-local value (the browser's local time); "" for now. */
  value: string;
  onChange: (value: string) => void;
  problem?: { title?: string; message: string };
  correction?: Correction | null;
  onCancelCorrection?: () => void;
}) {
  const id = useId();
  // Only the browser knows its zone: the server renders no hint (and no maximum) rather than a wrong one.
  const timeZone = useSyncExternalStore(
    subscribeToNothing,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => null,
  );
  // Seconds always (a correction's instant may be seconds after registration), milliseconds when the value has them.
  const step = /\.\d{1,3}$/.test(value) ? 0.001 : 1;
  return (
    <div>
      {correction && (
        <div
          data-testid="correction-note"
          className="mb-2 flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          <span>
            Correcting the {correctedWhat[correction.target]} of version {correction.version}: the change below takes
            effect at its instant, <AbsoluteTime iso={correction.effectiveAt} />, and replaces it from then on.
          </span>
          <button
            type="button"
            onClick={onCancelCorrection}
            className="rounded-md border border-amber-400 bg-white px-2 py-0.5 font-medium hover:bg-amber-100"
          >
            Cancel correction
          </button>
        </div>
      )}
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        Effective from (optional; empty: now)
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id={id}
          type="datetime-local"
          step={step}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-hint${problem ? ` ${id}-error` : ""}`}
          className={`rounded-md border bg-white px-3 py-2 shadow-sm focus:outline-none focus:ring-2 ${problem ? "border-red-400 focus:ring-red-200" : "border-slate-300 focus:border-indigo-500 focus:ring-indigo-200"}`}
        />
        {value && (
          <button
            type="button"
            onClick={() => onChange("")}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50"
          >
            Clear
          </button>
        )}
      </div>
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
        When the change took effect, if earlier (a change reported late, or a correction)
        {timeZone ? `; your time zone, ${timeZone}` : ""}.
      </p>
      {problem && (
        <div id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-700">
          {problem.title && <p className="font-medium">{problem.title}</p>}
          <p>{problem.message}</p>
        </div>
      )}
    </div>
  );
}
