"use client";

import type { EventView } from "@/lib/application/users/user-queries";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { StatusBadge } from "../status-badge";
import type { FieldProvenance } from "./field-provenance";
import { auditOf, comparedFields, describeEvent, formatValue, type History } from "./history";
import type { PointState } from "./two-axes";

/**
 * The user at the version shown: each field with the event that set it (its provenance), which
 * selects that event on the timeline. Fields that differ from today are highlighted.
 */
export function UserStateCard({
  history,
  provenance,
  shownVersion,
  point,
  onSelect,
}: {
  history: History;
  provenance: FieldProvenance[];
  shownVersion: number;
  /** The user at a point of both axes, when backdated events make it differ from any version's state. */
  point?: PointState | null;
  onSelect: (version: number) => void;
}) {
  const latest = history.snapshots.length;
  const shown = point ? (point.state ?? undefined) : shownVersion > 0 ? history.snapshots[shownVersion - 1] : undefined;
  const today = history.snapshots[latest - 1]!;
  const setBy = point ? (point.setBy ?? undefined) : shownVersion > 0 ? provenance[shownVersion - 1] : undefined;
  const isToday = !point && shownVersion === latest;
  const source = (version: number) => <FieldSource event={history.events[version - 1]!} onSelect={onSelect} />;
  // contain: content keeps what a slider step changes here (text, a highlight) from restyling,
  // relaying out and repainting the rest of the page; every card of the user page has it.
  return (
    <section
      aria-labelledby="state-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="state-title" className="font-semibold">
          {isToday
            ? "Current state"
            : !shown
              ? "Not yet registered"
              : point
                ? "State at the point shown"
                : `State at version ${shownVersion}`}
        </h2>
        {!isToday && (
          <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
            Time travel — highlighted fields differ from today
          </span>
        )}
      </div>
      {shown && setBy ? (
        <dl className="mt-3 grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm" data-testid="user-state">
          {comparedFields.map(([field, label]) => {
            const differs = shown[field] !== today[field];
            return (
              <div key={field} className="contents">
                <dt className="text-slate-500">{label}</dt>
                <dd>
                  <div
                    data-field={field}
                    data-differs={differs || undefined}
                    className={`break-all ${differs ? "rounded bg-amber-100 px-1 font-medium text-amber-950" : ""}`}
                  >
                    {field === "status" ? <StatusBadge status={shown.status} /> : formatValue(shown[field])}
                  </div>
                  {source(setBy[field])}
                </dd>
              </div>
            );
          })}
          <dt className="text-slate-500">Version</dt>
          <dd className="tabular-nums">{shown.version}</dd>
          <dt className="text-slate-500">Last change</dt>
          <dd>
            <AbsoluteTime iso={shown.updatedAt} />
            {source(shown.version)}
          </dd>
        </dl>
      ) : (
        <p className="mt-3 text-sm text-slate-500">At this time the user had not registered yet.</p>
      )}
    </section>
  );
}

/**
 * Which event set a field: its version, what it was, when, who and why, as the API reports them.
 * One line whatever its length (the rest on hover), so that the card keeps its height as the
 * slider moves and the slider below it stays under the finger.
 */
function FieldSource({ event, onSelect }: { event: EventView; onSelect: (version: number) => void }) {
  const { actor, reason } = auditOf(event.metadata);
  const title = describeEvent(event).title;
  return (
    <button
      type="button"
      onClick={() => onSelect(event.version)}
      title={`Set by version ${event.version}, ${title}, ${event.recordedAt}, by ${actor}${reason ? `: “${reason}”` : ""}`}
      className="mt-0.5 block max-w-full truncate text-left text-xs text-slate-600 underline decoration-slate-400 decoration-dotted underline-offset-2 hover:text-indigo-800 hover:decoration-indigo-600"
    >
      set by v{event.version} {title} · <RelativeTime iso={event.recordedAt} /> · {actor}
      {reason && <span className="italic"> — “{reason}”</span>}
    </button>
  );
}
