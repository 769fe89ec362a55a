"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { apiFetch } from "@/lib/client/api";
import type { EventView } from "@/lib/application/users/user-queries";
import type { UserView } from "@/lib/application/users/user-view";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { StatusBadge } from "../status-badge";
import { userStreamId } from "@/lib/domain/users";
import { buildHistory, comparedFields, describeEvent, versionAt, type History, type UserSnapshot } from "./history";
import { UserCommands } from "./user-commands";
import { useLiveEvents } from "../use-live-events";

export interface UserPageData {
  user: UserView;
  events: EventView[];
}

export type InitialPoint = { version: number } | { at: string } | null;

const timeSteps = 1000;

async function loadUserPage(id: string): Promise<UserPageData> {
  const [user, events] = await Promise.all([
    apiFetch<UserView>(`/api/users/${id}`),
    apiFetch<{ items: EventView[] }>(`/api/users/${id}/events`),
  ]);
  return { user: user.body, events: events.body.items };
}

function formatValue(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

export function UserTimeTravel({ id, initialData, initialPoint }: { id: string; initialData: UserPageData; initialPoint: InitialPoint }) {
  const query = useQuery({ queryKey: ["user", id], queryFn: () => loadUserPage(id), initialData });
  const { user, events } = query.data;
  const history = useMemo(() => buildHistory(events), [events]);
  const latest = history.snapshots.length;
  const [lastTime] = useState(() => Math.max(Date.now(), history.times[latest - 1] ?? 0));
  const firstTime = history.times[0] ?? lastTime;

  const [mode, setMode] = useState<"version" | "time">(initialPoint && "at" in initialPoint ? "time" : "version");
  const [version, setVersion] = useState(() => {
    if (!initialPoint) return latest;
    if ("version" in initialPoint) return Math.min(Math.max(initialPoint.version, 1), latest);
    return Math.max(versionAt(history, Date.parse(initialPoint.at)), 1);
  });
  const [time, setTime] = useState(() => (initialPoint && "at" in initialPoint ? Date.parse(initialPoint.at) : lastTime));
  const [playing, setPlaying] = useState(false);
  // Marks the page interactive (hydrated), for tests and benchmarks that must not act before.
  const [interactive, setInteractive] = useState(false);
  // eslint-disable-next-line react-hooks/set-state-in-effect -- an effect runs only once hydrated: that is what this state tells
  useEffect(() => setInteractive(true), []);

  // New events (a command here or elsewhere): follow them when looking at the latest version.
  const previousLatest = useRef(latest);
  useEffect(() => {
    if (previousLatest.current !== latest) {
      if (version === previousLatest.current) setVersion(latest);
      previousLatest.current = latest;
    }
  }, [latest, version]);

  // The point lives in the URL, written once the slider settles (not on every step of a drag).
  useEffect(() => {
    const timer = setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.delete("version");
      url.searchParams.delete("at");
      if (mode === "time") url.searchParams.set("at", new Date(time).toISOString());
      else if (version !== latest) url.searchParams.set("version", String(version));
      window.history.replaceState(window.history.state, "", url);
    }, 200);
    return () => clearTimeout(timer);
  }, [mode, version, time, latest]);

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      setVersion((current) => {
        if (current >= latest) {
          setPlaying(false);
          return current;
        }
        return current + 1;
      });
    }, 700);
    return () => clearInterval(timer);
  }, [playing, latest]);

  const shownVersion = mode === "time" ? versionAt(history, time) : version;
  const [selection] = useState(() => createSelection(shownVersion));
  useLayoutEffect(() => selection.set(shownVersion), [selection, shownVersion]);
  const shown: UserSnapshot | undefined = shownVersion > 0 ? history.snapshots[shownVersion - 1] : undefined;
  const today = history.snapshots[latest - 1]!;

  const onSlide = useCallback(
    (value: number) => {
      setPlaying(false);
      if (mode === "time") setTime(value);
      else setVersion(value);
    },
    [mode],
  );

  // Stable across renders, so that a slider step re-renders two timeline entries, not all of them.
  const selectVersion = useCallback((selected: number) => {
    setPlaying(false);
    setMode("version");
    setVersion(selected);
  }, []);
  const { refetch } = query;
  // Another admin (or service) changed this user: load its new events.
  useLiveEvents(
    useCallback(
      (live) => {
        if (live.some((event) => event.streamId === userStreamId(id))) void refetch();
      },
      [id, refetch],
    ),
  );

  const switchMode = (next: "version" | "time") => {
    setPlaying(false);
    if (next === "time") setTime(shownVersion > 0 ? history.times[shownVersion - 1]! : firstTime);
    else setVersion(Math.max(shownVersion, 1));
    setMode(next);
  };

  const play = () => {
    if (mode === "time") switchMode("version");
    if (!playing && version >= latest) setVersion(1);
    setPlaying(!playing);
  };

  const sliderLabel = shown
    ? `Version ${shownVersion} of ${latest}, ${new Date(history.times[shownVersion - 1]!).toISOString()}`
    : `Before the user existed, ${new Date(time).toISOString()}`;
  const timeStep = Math.max(1, Math.floor((lastTime - firstTime) / timeSteps));

  return (
    <div className="space-y-6" data-interactive={interactive || undefined}>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-indigo-700 underline hover:text-indigo-900">
          Users
        </Link>
        <span className="text-slate-500"> / </span>
        <span className="text-slate-600">{user.name}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="break-all text-2xl font-semibold">{user.name}</h1>
        <StatusBadge status={user.status} />
        <span className="break-all text-sm text-slate-500">{user.email}</span>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <section aria-labelledby="state-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 id="state-title" className="font-semibold">
                {shownVersion === latest ? "Current state" : shown ? `State at version ${shownVersion}` : "Not yet registered"}
              </h2>
              {shownVersion !== latest && (
                <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
                  Time travel — highlighted fields differ from today
                </span>
              )}
            </div>
            {shown ? (
              <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm" data-testid="user-state">
                {comparedFields.map(([field, label]) => {
                  const differs = shown[field] !== today[field];
                  return (
                    <div key={field} className="contents">
                      <dt className="text-slate-500">{label}</dt>
                      <dd
                        data-field={field}
                        data-differs={differs || undefined}
                        className={`break-all ${differs ? "rounded bg-amber-100 px-1 font-medium text-amber-950" : ""}`}
                      >
                        {field === "status" ? <StatusBadge status={shown.status} /> : formatValue(shown[field])}
                      </dd>
                    </div>
                  );
                })}
                <dt className="text-slate-500">Version</dt>
                <dd className="tabular-nums">{shown.version}</dd>
                <dt className="text-slate-500">Last change</dt>
                <dd>
                  <AbsoluteTime iso={shown.updatedAt} />
                </dd>
              </dl>
            ) : (
              <p className="mt-3 text-sm text-slate-500">At this time the user had not registered yet.</p>
            )}
          </section>

          <section aria-labelledby="travel-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
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
                    onClick={() => switchMode(option)}
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
                onClick={play}
                className="whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50"
              >
                {/* The visible word is the accessible name (WCAG 2.5.3); the symbol is decoration. */}
                <span aria-hidden="true">{playing ? "❚❚" : "▶"}</span> {playing ? "Pause" : "Play"}
              </button>
              <input
                type="range"
                aria-label="Point in the user's history"
                aria-valuemin={mode === "time" ? firstTime : 1}
                aria-valuemax={mode === "time" ? lastTime : latest}
                aria-valuenow={mode === "time" ? time : version}
                aria-valuetext={sliderLabel}
                min={mode === "time" ? firstTime : 1}
                max={mode === "time" ? lastTime : latest}
                step={mode === "time" ? timeStep : 1}
                value={mode === "time" ? time : version}
                onChange={(event) => onSlide(Number(event.target.value))}
                className="h-6 w-full cursor-pointer accent-indigo-600"
              />
            </div>
            <p className="mt-2 text-sm text-slate-600" aria-live="polite">
              {shown ? (
                <>
                  Version <strong className="tabular-nums">{shownVersion}</strong> of {latest} ·{" "}
                  <AbsoluteTime iso={new Date(history.times[shownVersion - 1]!).toISOString()} />
                </>
              ) : (
                "Before registration"
              )}
              {mode === "time" && (
                <>
                  {" "}
                  · viewing <AbsoluteTime iso={new Date(time).toISOString()} />
                </>
              )}
            </p>
          </section>

          <DiffView history={history} latest={latest} />
          <UserCommands user={user} onChanged={refetch} />
        </div>

        <Timeline history={history} selection={selection} onSelect={selectVersion} />
      </div>
    </div>
  );
}

// The selected version, outside React state: on each slider step only the two entries whose
// selection changes re-render, not the whole timeline.
function createSelection(initial: number) {
  let selected = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => selected,
    set(version: number) {
      if (version === selected) return;
      selected = version;
      for (const notify of listeners) notify();
    },
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
type Selection = ReturnType<typeof createSelection>;

const TimelineEntry = memo(function TimelineEntry({
  event,
  selection,
  onSelect,
}: {
  event: EventView;
  selection: Selection;
  onSelect: (version: number) => void;
}) {
  const selected = useSyncExternalStore(
    selection.subscribe,
    () => selection.get() === event.version,
    () => selection.get() === event.version,
  );
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
        <AuditLine metadata={event.metadata} />
      </button>
    </li>
  );
});

/** Who, why, and which request: the audit trail of one event. */
function AuditLine({ metadata }: { metadata: Record<string, unknown> }) {
  const text = (key: string) => (typeof metadata[key] === "string" ? metadata[key] : undefined);
  const reason = text("reason");
  const correlation = text("correlationId");
  const causation = text("causationId");
  return (
    <div className="mt-1 space-y-0.5 text-xs text-slate-600" data-testid="audit">
      <p>
        by <span className="font-medium text-slate-700">{text("actor") ?? "unknown"}</span>
        {reason && (
          <>
            {" "}
            — <span className="italic">“{reason}”</span>
          </>
        )}
      </p>
      {/* Whole ids, each on its line: a shortened id cannot be searched for in the server's log. */}
      {correlation && <p className="font-mono [overflow-wrap:anywhere]">correlation {correlation}</p>}
      {causation && causation !== correlation && <p className="font-mono [overflow-wrap:anywhere]">caused by {causation}</p>}
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

const Timeline = memo(function Timeline({
  history,
  selection,
  onSelect,
}: {
  history: History;
  selection: Selection;
  onSelect: (version: number) => void;
}) {
  return (
    <section aria-labelledby="timeline-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="timeline-title" className="font-semibold">
        Event timeline <span className="font-normal text-slate-500">({history.events.length})</span>
      </h2>
      <ol className="relative mt-3 max-h-[70vh] space-y-2 overflow-y-auto overscroll-contain pr-1">
        {history.events.map((event) => (
          <TimelineEntry key={event.position} event={event} selection={selection} onSelect={onSelect} />
        ))}
      </ol>
    </section>
  );
});

const DiffView = memo(function DiffView({ history, latest }: { history: History; latest: number }) {
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const a = from ?? Math.max(latest - 1, 1);
  const b = to ?? latest;
  const left = history.snapshots[a - 1]!;
  const right = history.snapshots[b - 1]!;
  const versions = history.snapshots.map((_, index) => index + 1);
  const select = (label: string, value: number, onChange: (value: number) => void) => (
    <label className="text-sm">
      <span className="mr-2 text-slate-600">{label}</span>
      <select
        value={value}
        onChange={(event) => onChange(Number(event.target.value))}
        className="rounded-md border border-slate-300 bg-white px-2 py-1"
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            version {v}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <section aria-labelledby="diff-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="diff-title" className="font-semibold">
        Compare two points
      </h2>
      <div className="mt-3 flex flex-wrap gap-4">
        {select("From", a, setFrom)}
        {select("To", b, setTo)}
      </div>
      <table className="mt-3 w-full table-fixed text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="w-1/4 py-1">
              Field
            </th>
            <th scope="col" className="py-1">
              Version {a}
            </th>
            <th scope="col" className="py-1">
              Version {b}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {comparedFields.map(([field, label]) => {
            const changed = left[field] !== right[field];
            return (
              <tr key={field} data-changed={changed || undefined} className={changed ? "bg-amber-50" : ""}>
                <th scope="row" className="py-1.5 pr-2 text-left font-normal text-slate-600">
                  {label}
                  {changed && <span className="sr-only"> (changed)</span>}
                </th>
                <td className={`break-all py-1.5 pr-2 ${changed ? "text-slate-500 line-through" : ""}`}>{formatValue(left[field])}</td>
                <td className={`break-all py-1.5 ${changed ? "font-medium text-amber-950" : ""}`}>{formatValue(right[field])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
