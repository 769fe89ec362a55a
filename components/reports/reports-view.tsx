"use client";

import { useState, type SubmitEvent } from "react";
import { AbsoluteTime } from "../relative-time";
import { ActivityPanel } from "./activity-panel";
import { CohortPanel } from "./cohort-panel";
import { NameChangesPanel } from "./name-changes-panel";
import { SavedReportsSection } from "./saved-reports-section";
import { useReportQueryState } from "./use-report-query-state";

export function ReportsView() {
  const state = useReportQueryState();
  const { from, to, asOf, navigate, shared } = state;

  // The form follows the URL (back, forward, a link): adjusted while rendering, not in an effect.
  const range = { from: from?.slice(0, 10) ?? "", to: to?.slice(0, 10) ?? "", asOf: asOf?.slice(0, 10) ?? "" };
  const [form, setForm] = useState(range);
  const [formShownFor, setFormShownFor] = useState(range);
  if (range.from !== formShownFor.from || range.to !== formShownFor.to || range.asOf !== formShownFor.asOf) {
    setFormShownFor(range);
    setForm(range);
  }
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    navigate({
      from: form.from || undefined,
      to: form.to || undefined,
      asOf: form.asOf ? `${form.asOf}T23:59:59.999Z` : undefined,
      page: undefined,
    });
  };

  return (
    <div className="space-y-6">
      <form
        onSubmit={apply}
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      >
        {(
          [
            ["from", "From"],
            ["to", "To (exclusive)"],
            ["asOf", "As it read on"],
          ] as const
        ).map(([key, label]) => (
          <label key={key}>
            <span className="mb-1 block text-sm font-medium text-slate-700">{label}</span>
            <input
              type="date"
              value={form[key]}
              onChange={(event) => setForm({ ...form, [key]: event.target.value })}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm"
            />
          </label>
        ))}
        <button
          type="submit"
          className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700"
        >
          Show
        </button>
        <button
          type="button"
          onClick={() => navigate({ from: undefined, to: undefined, asOf: undefined, page: undefined })}
          className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
        >
          Past six months
        </button>
      </form>
      {asOf && (
        <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-900">
          As the reports would have read on <AbsoluteTime iso={asOf} className="font-semibold" />.
        </p>
      )}
      <NameChangesPanel state={state} />
      <ActivityPanel state={state} />
      <CohortPanel asOf={asOf} />
      <SavedReportsSection shared={shared} />
    </div>
  );
}
