"use client";

import type { z } from "zod";
import type { activityReport } from "@/lib/http/openapi/response-schemas";
import { ActivityChart, activityLabels } from "./activity-chart";
import { FreshnessLine } from "./freshness-line";
import { csvHref, useReport, type useReportQueryState } from "./use-report-query-state";

type ActivityBody = z.infer<typeof activityReport>;

export function ActivityPanel({ state }: { state: ReturnType<typeof useReportQueryState> }) {
  const { get, navigate, shared } = state;
  const bucket = get("bucket") ?? "week";
  const query = new URLSearchParams(shared);
  query.set("bucket", bucket);
  const activity = useReport<ActivityBody>("/api/reports/activity", query);

  return (
    <section
      aria-labelledby="activity-title"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="activity-title" className="text-lg font-semibold">
          Activity over time
        </h2>
        <div className="flex items-center gap-3">
          <label className="text-sm">
            <span className="mr-2 text-slate-600">Per</span>
            <select
              value={bucket}
              onChange={(event) => navigate({ bucket: event.target.value })}
              className="rounded-md border border-slate-300 bg-white px-2 py-1"
            >
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          </label>
          <a
            href={csvHref("/api/reports/activity", query)}
            download
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            Download CSV
          </a>
        </div>
      </div>
      {activity.data && <FreshnessLine freshness={activity.data.freshness} />}
      {activity.data ? (
        <ActivityChart points={activity.data.points} />
      ) : (
        <div className="h-72 animate-pulse rounded bg-slate-100" />
      )}
      {activity.data && (
        <details>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Table</summary>
          <div className="mt-2 max-h-80 overflow-auto">
            <table className="min-w-full text-sm" aria-label="Activity per period">
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-2 py-1">
                    Period from
                  </th>
                  {Object.values(activityLabels).map((label) => (
                    <th key={label} scope="col" className="px-2 py-1 text-right">
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 tabular-nums">
                {activity.data.points.map((point) => (
                  <tr key={point.start}>
                    <td className="px-2 py-1">{point.start}</td>
                    {(Object.keys(activityLabels) as (keyof typeof activityLabels)[]).map((key) => (
                      <td key={key} className="px-2 py-1 text-right">
                        {point[key]}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
