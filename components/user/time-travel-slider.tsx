"use client";

import { AbsoluteTime } from "../relative-time";
import type { History } from "./history";
import type { TimeTravel } from "./use-time-travel";

/**
 * The slider over a user's history, by version or by time, with playback. By time, it moves along
 * effective time (how the user was then), and "as known on" moves along recorded time.
 */
export function TimeTravelSlider({ history, travel }: { history: History; travel: TimeTravel }) {
  const { mode, playing, latest, shownVersion, range, time } = travel;
  const shownAt = shownVersion > 0 ? new Date(history.times[shownVersion - 1]!).toISOString() : undefined;
  const sliderLabel =
    mode === "time"
      ? `Effective ${new Date(time).toISOString()}${shownAt ? `, version ${shownVersion} of ${latest}` : ", before the user existed"}`
      : shownAt
        ? `Version ${shownVersion} of ${latest}, ${shownAt}`
        : `Before the user existed, ${new Date(time).toISOString()}`;
  // contain: content keeps what a slider step changes here (text, a highlight) from restyling,
  // relaying out and repainting the rest of the page; every card of the user page has it.
  return (
    <section
      aria-labelledby="travel-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="travel-title" className="font-semibold">
          Time travel
        </h2>
        <div role="group" aria-label="Slider mode" className="inline-flex rounded-md border border-slate-300 text-sm">
          {(["version", "time"] as const).map((option) => (
            <button
              key={option}
              type="button"
              aria-pressed={mode === option}
              onClick={() => travel.switchMode(option)}
              className={`px-3 py-1 first:rounded-l-md last:rounded-r-md ${mode === option ? "bg-slate-800 text-white" : "bg-white hover:bg-slate-50"}`}
            >
              {option === "version" ? "By version" : "By time"}
            </button>
          ))}
        </div>
      </div>
      <div className="mt-4 flex items-center gap-3">
        <button
          type="button"
          onClick={travel.togglePlay}
          className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50"
        >
          {/* The visible word is the accessible name (WCAG 2.5.3); the symbol is decoration. */}
          <span aria-hidden="true">{playing ? "❚❚" : "▶"}</span> {playing ? "Pause" : "Play"}
        </button>
        <input
          type="range"
          aria-label="Point in the user's history"
          aria-valuemin={range.min}
          aria-valuemax={range.max}
          aria-valuenow={range.value}
          aria-valuetext={sliderLabel}
          min={range.min}
          max={range.max}
          step={range.step}
          value={range.value}
          onChange={(event) => travel.slide(Number(event.target.value))}
          className="h-6 w-full cursor-pointer accent-indigo-600"
        />
      </div>
      {mode === "time" && <KnownAtControl travel={travel} />}
      <p className="mt-2 text-sm text-slate-600" aria-live="polite">
        {shownAt ? (
          <>
            Version <strong className="tabular-nums">{shownVersion}</strong> of {latest} ·{" "}
            <AbsoluteTime iso={shownAt} />
          </>
        ) : (
          "Before registration"
        )}
        {mode === "time" && (
          <>
            {" "}
            · effective <AbsoluteTime iso={new Date(time).toISOString()} /> · as known{" "}
            {travel.knownAt === null ? "now" : <AbsoluteTime iso={new Date(travel.knownAt).toISOString()} />}
          </>
        )}
      </p>
    </section>
  );
}

/** "As known on": the recorded axis of time mode, from the registration's recording to now. */
function KnownAtControl({ travel }: { travel: TimeTravel }) {
  const { knownAt, knownRange } = travel;
  const label = knownAt === null ? "now" : new Date(knownAt).toISOString();
  return (
    <div className="mt-3 flex items-center gap-3">
      <label htmlFor="known-at" className="whitespace-nowrap text-sm text-slate-700">
        As known on
      </label>
      <input
        id="known-at"
        type="range"
        aria-valuetext={knownAt === null ? "Now" : `As known on ${label}`}
        min={knownRange.min}
        max={knownRange.max}
        step={knownRange.step}
        value={knownRange.value}
        onChange={(event) => travel.setKnownAt(Number(event.target.value))}
        className="h-6 w-full cursor-pointer accent-amber-600"
      />
      <button
        type="button"
        disabled={knownAt === null}
        onClick={() => travel.setKnownAt(null)}
        className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-2 py-1 text-sm hover:bg-slate-50 disabled:opacity-60"
      >
        Now
      </button>
    </div>
  );
}
