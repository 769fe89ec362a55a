"use client";

import { AbsoluteTime } from "../relative-time";
import { StatusBadge } from "../status-badge";
import { comparedFields, formatValue, type History } from "./history";

/** The user at the version shown; fields that differ from today are highlighted. */
export function UserStateCard({ history, shownVersion }: { history: History; shownVersion: number }) {
  const latest = history.snapshots.length;
  const shown = shownVersion > 0 ? history.snapshots[shownVersion - 1] : undefined;
  const today = history.snapshots[latest - 1]!;
  return (
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
  );
}
