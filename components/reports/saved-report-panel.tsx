"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { z } from "zod";
import type { savedReport, savedReportResults } from "@/lib/http/openapi/response-schemas";
import { groupFields } from "@/lib/domain/reports/saved-reports";
import { FreshnessLine } from "./freshness-line";
import { csvHref, useReport } from "./use-report-query-state";

export type SavedReportBody = z.infer<typeof savedReport>;
type ResultsBody = z.infer<typeof savedReportResults>;

const colours = ["#4f46e5", "#0891b2", "#d97706", "#dc2626", "#16a34a", "#9333ea", "#db2777", "#475569"];

function summaryOf(report: SavedReportBody): string {
  const { definition } = report;
  const counted = definition.count === "users" ? "distinct users" : "events";
  const grouped = definition.groupBy ? `, by ${groupFields[definition.groupBy].toLowerCase()}` : "";
  return `${counted} of ${definition.eventTypes.join(", ")} per ${definition.period}${grouped}${definition.filter ? ", filtered" : ""}`;
}

export function SavedReportPanel({
  report,
  shared,
  onEdit,
  onDelete,
}: {
  report: SavedReportBody;
  shared: URLSearchParams;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const path = `/api/reports/custom/${report.id}`;
  const results = useReport<ResultsBody>(path, shared);
  const data = results.data;
  const rows = data
    ? data.periods.map((start) => ({
        start,
        ...Object.fromEntries(
          data.groups.map((group) => [
            group,
            data.points.find((p) => p.start === start && p.group === group)?.value ?? 0,
          ]),
        ),
      }))
    : [];
  const titleId = `saved-report-${report.id}-title`;

  return (
    <section aria-labelledby={titleId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <h3 id={titleId} className="text-lg font-semibold">
            {report.name}
          </h3>
          <p className="text-sm text-slate-600">{summaryOf(report)}</p>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <a href={csvHref(path, shared)} download className="font-medium text-indigo-700 hover:underline">
            Download CSV
          </a>
          <button type="button" onClick={onEdit} className="font-medium text-slate-700 hover:underline">
            Edit
          </button>
          <button type="button" onClick={onDelete} className="font-medium text-red-700 hover:underline">
            Delete
          </button>
        </div>
      </div>
      {data && <FreshnessLine freshness={data.freshness} />}
      {results.isError && (
        <p role="alert" className="text-red-700">
          {results.error.message}
        </p>
      )}
      {data ? (
        <figure
          role="img"
          aria-label={`${report.name}: ${data.periods.length} periods, ${data.groups.length} groups`}
          className="h-64 w-full"
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="start" tick={{ fontSize: 11 }} minTickGap={16} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={36} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {data.groups.map((group, index) => (
                <Bar
                  key={group}
                  dataKey={group}
                  stackId="saved"
                  fill={colours[index % colours.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      ) : (
        <div className="h-64 animate-pulse rounded bg-slate-100" />
      )}
      {data && (
        <details>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Table</summary>
          <div className="mt-2 max-h-80 overflow-auto">
            <table className="min-w-full text-sm" aria-label={`${report.name} per period`}>
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-2 py-1">
                    Period from
                  </th>
                  {data.groups.map((group) => (
                    <th key={group} scope="col" className="px-2 py-1 text-right normal-case">
                      {group}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 tabular-nums">
                {rows.map((row) => (
                  <tr key={row.start}>
                    <td className="px-2 py-1">{row.start}</td>
                    {data.groups.map((group) => (
                      <td key={group} className="px-2 py-1 text-right">
                        {(row as Record<string, string | number>)[group]}
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
