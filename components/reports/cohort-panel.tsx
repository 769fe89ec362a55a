"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { z } from "zod";
import type { cohortReport } from "@/lib/http/openapi/response-schemas";
import { FreshnessLine } from "./freshness-line";
import { csvHref, useReport } from "./use-report-query-state";

type CohortBody = z.infer<typeof cohortReport>;

const colours = ["#4f46e5", "#0891b2", "#d97706", "#dc2626", "#16a34a", "#9333ea", "#db2777", "#475569"];
const percent = (share: number) => `${Math.round(share * 100)}%`;

// The heat: light cells with dark text below half, dark cells with white text from half up, so
// that the text keeps a 4.5:1 contrast on every shade.
const heatOf = (share: number) =>
  share < 0.5
    ? { backgroundColor: `rgba(49, 46, 129, ${0.05 + 0.6 * share})`, color: "#0f172a" }
    : { backgroundColor: `rgba(49, 46, 129, ${0.75 + 0.5 * (share - 0.5)})`, color: "#ffffff" };

export function CohortPanel({ asOf }: { asOf: string | undefined }) {
  const query = new URLSearchParams();
  if (asOf) query.set("asOf", asOf);
  const cohorts = useReport<CohortBody>("/api/reports/cohorts", query);
  const data = cohorts.data;
  const columns = data ? Math.max(0, ...data.cohorts.map((cohort) => cohort.retention.length)) : 0;
  const chartRows = Array.from({ length: columns }, (_, index) => ({
    months: index + 1,
    ...Object.fromEntries(
      (data?.cohorts ?? []).flatMap((cohort) => {
        const cell = cohort.retention[index];
        return cell ? [[cohort.cohort, Math.round(cell.share * 1000) / 10]] : [];
      }),
    ),
  }));

  return (
    <section
      aria-labelledby="cohorts-title"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="cohorts-title" className="text-lg font-semibold">
          Still active, by registration month
        </h2>
        <a
          href={csvHref("/api/reports/cohorts", query)}
          download
          className="text-sm font-medium text-indigo-700 hover:underline"
        >
          Download CSV
        </a>
      </div>
      {data && <FreshnessLine freshness={data.freshness} />}
      {cohorts.isError && (
        <p role="alert" className="text-red-700">
          {cohorts.error.message}
        </p>
      )}
      {data ? (
        <>
          <div className="overflow-x-auto">
            <table
              className="min-w-full text-sm"
              aria-label="Share of each cohort still active, months after registering"
            >
              <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-2 py-1">
                    Registered
                  </th>
                  <th scope="col" className="px-2 py-1 text-right">
                    Users
                  </th>
                  {Array.from({ length: columns }, (_, index) => (
                    <th key={index} scope="col" className="px-2 py-1 text-right normal-case">
                      +{index + 1} mo
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {data.cohorts.map((cohort) => (
                  <tr key={cohort.cohort}>
                    <th scope="row" className="px-2 py-1 text-left font-medium">
                      {cohort.cohort}
                    </th>
                    <td className="px-2 py-1 text-right">{cohort.size}</td>
                    {Array.from({ length: columns }, (_, index) => {
                      const cell = cohort.retention[index];
                      return (
                        <td
                          key={index}
                          className="px-2 py-1 text-right"
                          style={cell ? heatOf(cell.share) : undefined}
                          title={cell ? `${cell.active} of ${cohort.size}` : undefined}
                        >
                          {cell ? percent(cell.share) : ""}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.cohorts.length === 0 && <p className="text-sm text-slate-500">No cohort has a month behind it yet.</p>}
          <figure
            role="img"
            aria-label={`Retention curves of ${data.cohorts.length} cohorts, in percent`}
            className="h-64 w-full"
          >
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={chartRows} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="months" tick={{ fontSize: 11 }} tickFormatter={(months: number) => `+${months}`} />
                <YAxis domain={[0, 100]} tick={{ fontSize: 11 }} width={36} unit="%" />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {data.cohorts.map((cohort, index) => (
                  <Line
                    key={cohort.cohort}
                    dataKey={cohort.cohort}
                    stroke={colours[index % colours.length]}
                    dot={false}
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        </>
      ) : (
        <div className="h-64 animate-pulse rounded bg-slate-100" />
      )}
    </section>
  );
}
