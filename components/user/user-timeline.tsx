"use client";

import { memo, useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import type { EventView } from "@/lib/application/users/user-queries";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { auditOf, describeEvent, type History } from "./history";
import type { VersionSelection } from "./version-selection";
import { CorrectButton, EffectiveMark } from "./timeline-entry-axes";
import type { Correction } from "./two-axes";

const TimelineEntry = memo(function TimelineEntry({
  event,
  selection,
  onSelect,
  onCorrect,
}: {
  event: EventView;
  selection: VersionSelection;
  onSelect: (version: number) => void;
  onCorrect?: (correction: Correction) => void;
}) {
  const { version } = event;
  const subscribe = useCallback((listener: () => void) => selection.subscribe(version, listener), [selection, version]);
  const isSelected = () => selection.isSelected(version);
  const selected = useSyncExternalStore(subscribe, isSelected, isSelected);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected && ref.current) scrollWithinList(ref.current);
  }, [selected]);
  const { title, before, after } = describeEvent(event);
  return (
    <li
      ref={ref}
      aria-current={selected ? "step" : undefined}
      className={`timeline-entry rounded-md border p-3 ${selected ? "border-indigo-400 bg-indigo-50 ring-1 ring-indigo-300" : "border-slate-200 bg-white"}`}
    >
      <button type="button" onClick={() => onSelect(event.version)} className="w-full text-left">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <span className="font-medium">
            <span className="mr-2 inline-block rounded bg-slate-100 px-1.5 py-0.5 text-xs tabular-nums text-slate-700">
              v{event.version}
            </span>
            {title}
          </span>
          <span className="text-xs text-slate-600">
            <RelativeTime iso={event.recordedAt} /> · <AbsoluteTime iso={event.recordedAt} />
          </span>
        </div>
        {(before !== undefined || after !== undefined) && (
          <p className="mt-1 break-all text-sm">
            {before !== undefined && <span className="text-slate-600 line-through decoration-slate-500">{before}</span>}
            {before !== undefined && after !== undefined && <span aria-label="changed to"> → </span>}
            {after !== undefined && <span>{after}</span>}
          </p>
        )}
        <EffectiveMark event={event} />
        <AuditLine metadata={event.metadata} />
      </button>
      <CorrectButton event={event} onCorrect={onCorrect} />
    </li>
  );
});

/** Who, why, and which request: the audit trail of one event. */
function AuditLine({ metadata }: { metadata: Record<string, unknown> }) {
  const { actor, reason, correlation, causation } = auditOf(metadata);
  return (
    <div className="mt-1 space-y-0.5 text-xs text-slate-600" data-testid="audit">
      <p>
        by <span className="font-medium text-slate-700">{actor}</span>
        {reason && (
          <>
            {" "}
            — <span className="italic">“{reason}”</span>
          </>
        )}
      </p>
      {/* Whole ids, each on its line: a shortened id cannot be searched for in the server's log. */}
      {correlation && <p className="font-mono [overflow-wrap:anywhere]">correlation {correlation}</p>}
      {causation && causation !== correlation && (
        <p className="font-mono [overflow-wrap:anywhere]">caused by {causation}</p>
      )}
    </div>
  );
}

/**
 * Brings a timeline entry into view by scrolling its list only. `scrollIntoView` would also
 * scroll the page — on a phone, where the timeline sits below the slider, the slider would
 * leave the screen under the finger at the first step.
 */
function scrollWithinList(entry: HTMLElement) {
  const list = entry.offsetParent as HTMLElement | null;
  if (!list) return;
  const top = entry.offsetTop;
  const bottom = top + entry.offsetHeight;
  if (top < list.scrollTop) list.scrollTop = top;
  else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
}

export const Timeline = memo(function Timeline({
  history,
  selection,
  onSelect,
  onCorrect,
}: {
  history: History;
  selection: VersionSelection;
  onSelect: (version: number) => void;
  /** Opens the form that corrects an event; absent when the user takes no change (forgotten). */
  onCorrect?: (correction: Correction) => void;
}) {
  return (
    <section aria-labelledby="timeline-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="timeline-title" className="font-semibold">
        Event timeline <span className="font-normal text-slate-500">({history.events.length})</span>
      </h2>
      <ol className="relative mt-3 max-h-[70vh] space-y-2 overflow-y-auto overscroll-contain pr-1">
        {history.events.map((event) => (
          <TimelineEntry
            key={event.position}
            event={event}
            selection={selection}
            onSelect={onSelect}
            onCorrect={onCorrect}
          />
        ))}
      </ol>
    </section>
  );
});
