"use client";

import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { flushSync } from "react-dom";
import type { EventView } from "@/lib/application/users/user-queries";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { auditOf, describeEvent, type History } from "./history";
import type { VersionSelection } from "./version-selection";
import {
  entryTops,
  estimatedHeight,
  initialWindow,
  sameWindow,
  scrollToReveal,
  windowFor,
  type EntryWindow,
} from "./timeline-window";
import { CorrectButton, EffectiveMark } from "./timeline-entry-axes";
import type { Correction } from "./two-axes";

/** The gap below each entry (`mb-2`), counted in its height. */
const entryGap = 8;
/** The height assumed for an entry before any is measured (a title, a change, the audit trail). */
const entryEstimate = 150 + entryGap;
/** The list's height assumed before it is laid out (70vh of a 900 px window). */
const viewportEstimate = 630;
/** How long the selection stands still before the timeline scrolls to it (see Timeline). */
const followAfterMs = 120;

const TimelineEntry = memo(function TimelineEntry({
  event,
  index,
  count,
  selection,
  onSelect,
  onCorrect,
  measure,
}: {
  event: EventView;
  index: number;
  count: number;
  selection: VersionSelection;
  onSelect: (version: number) => void;
  onCorrect?: (correction: Correction) => void;
  measure: (entry: HTMLLIElement) => () => void;
}) {
  const { version } = event;
  const subscribe = useCallback((listener: () => void) => selection.subscribe(version, listener), [selection, version]);
  const isSelected = () => selection.isSelected(version);
  const selected = useSyncExternalStore(subscribe, isSelected, isSelected);
  const ref = useRef<HTMLLIElement>(null);
  // An entry that mounts selected (the page opening, or the window moved to it) scrolls itself into
  // view; a selection that moves among entries already shown is revealed by the timeline once it settles.
  useEffect(() => {
    if (selection.isSelected(version) && ref.current) scrollWithinList(ref.current);
  }, [selection, version]);
  const setRef = useCallback(
    (entry: HTMLLIElement) => {
      ref.current = entry;
      const unmeasure = measure(entry);
      return () => {
        ref.current = null;
        unmeasure();
      };
    },
    [measure],
  );
  const { title, before, after } = describeEvent(event);
  return (
    <li
      ref={setRef}
      data-index={index}
      // The list renders a window of its entries: each says where it stands in the whole history.
      aria-setsize={count}
      aria-posinset={index + 1}
      aria-current={selected ? "step" : undefined}
      className={`mb-2 rounded-md border p-3 ${selected ? "border-indigo-400 bg-indigo-50 ring-1 ring-indigo-300" : "border-slate-200 bg-white"}`}
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

/**
 * The event timeline, windowed: only the entries in or near the list's viewport are rendered, and
 * two empty items stand for the others (their heights as last measured, or the mean of those
 * measured). So a page load and a slider step cost what the viewport shows, not the history's
 * length. Heights are measured by one ResizeObserver into a map, never into state: a measurement
 * re-renders nothing (measuring in effects and setting state re-rendered in a loop, React #185).
 * The window moves on the list's scroll events and when the selection leaves it.
 */
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
  const count = history.events.length;
  const listRef = useRef<HTMLOListElement>(null);
  // Entry heights by index, gap included. Indices are stable: a history only grows at its end.
  const [heights] = useState(() => new Map<number, number>());
  const [entryWindow, setEntryWindow] = useState<EntryWindow>(() =>
    initialWindow(count, selection.current() - 1, viewportEstimate, entryEstimate),
  );
  const { start, end } = entryWindow;
  // Computed once per render (the heights map fills between renders, unseen by React): the heights
  // measured since the last render move the entries, and scroll anchoring keeps those in view in place.
  const at = useMemo(
    () => entryTops(count, heights, estimatedHeight(heights, entryEstimate)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [count, heights, entryWindow],
  );
  // The window and the entry tops committed: the listeners below map the list's scroll position to
  // entries as the DOM lays them out now. The selection's watcher runs in a parent's layout effect, after this one.
  const committed = useRef({ window: entryWindow, tops: at });
  useLayoutEffect(() => {
    committed.current = { window: entryWindow, tops: at };
  }, [entryWindow, at]);

  const [observer] = useState(() =>
    typeof ResizeObserver === "undefined"
      ? null
      : new ResizeObserver((entries) => {
          for (const entry of entries) {
            const index = Number((entry.target as HTMLElement).dataset.index);
            const height = entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
            if (height > 0) heights.set(index, height + entryGap);
          }
        }),
  );
  useEffect(() => () => observer?.disconnect(), [observer]);
  const measure = useCallback(
    (entry: HTMLLIElement) => {
      observer?.observe(entry);
      return () => observer?.unobserve(entry);
    },
    [observer],
  );

  // The window follows the list's scrolling: rendered in the same frame (flushSync), so that a
  // scroll never shows the padding where entries belong.
  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    const windowNow = () => windowFor(committed.current.tops, list.scrollTop, list.clientHeight);
    const follow = () => {
      const next = windowNow();
      if (!sameWindow(next, committed.current.window)) flushSync(() => setEntryWindow(next));
    };
    // Once laid out (and scrolled to the selected entry, whose effect ran first), the window the list shows.
    const opened = windowNow();
    if (!sameWindow(opened, committed.current.window)) setEntryWindow(opened);
    list.addEventListener("scroll", follow, { passive: true });
    return () => list.removeEventListener("scroll", follow);
  }, [count]);

  // The timeline follows the selection once it has stood still for followAfterMs: a drag of the slider
  // then renders only the state card and the slider at each step (scrolling the list and moving its
  // window cost a step more than the rest, docs/BENCHMARKS.md), and the timeline catches up when the
  // drag pauses. A selected entry already shown scrolls into view; one outside the window (a jump, a
  // provenance link): the list scrolls to where it will stand and the window moves there, and the
  // entry, once rendered, scrolls itself exactly into view.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reveal = () => {
      timer = undefined;
      const index = selection.current() - 1;
      const list = listRef.current;
      const { window: shown, tops: at } = committed.current;
      if (!list || index < 0 || index >= count) return;
      if (index >= shown.start && index < shown.end) {
        const entry = list.querySelector<HTMLElement>(`li[data-index="${index}"]`);
        if (entry) scrollWithinList(entry);
        return;
      }
      const scrollTop = scrollToReveal(at[index]!, at[index + 1]!, list.scrollTop, list.clientHeight);
      if (scrollTop !== null) list.scrollTop = scrollTop;
      setEntryWindow(windowFor(at, scrollTop ?? list.scrollTop, list.clientHeight, index));
    };
    const unwatch = selection.watch(() => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(reveal, followAfterMs);
    });
    return () => {
      unwatch();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [selection, count]);

  return (
    <section
      aria-labelledby="timeline-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <h2 id="timeline-title" className="font-semibold">
        Event timeline <span className="font-normal text-slate-500">({count})</span>
      </h2>
      <ol ref={listRef} className="relative mt-3 max-h-[70vh] overflow-y-auto overscroll-contain pr-1">
        {/* The room of the entries not rendered (padding would not do: the list's max-height gives way to it). */}
        {start > 0 && <li aria-hidden="true" style={{ height: at[start] }} />}
        {history.events.slice(start, end).map((event, offset) => (
          <TimelineEntry
            key={event.position}
            event={event}
            index={start + offset}
            count={count}
            selection={selection}
            onSelect={onSelect}
            onCorrect={onCorrect}
            measure={measure}
          />
        ))}
        {end < count && <li aria-hidden="true" style={{ height: at[count]! - at[end]! }} />}
      </ol>
    </section>
  );
});
