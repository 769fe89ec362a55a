"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/lib/client/api";
import type { ProjectionView } from "@/lib/application/projections";
import { ApiErrorAlert } from "../api-error-alert";
import { RelativeTime } from "../relative-time";
import { TableHead } from "../table-head";

const stateStyle: Record<ProjectionView["state"], string> = {
  "up to date": "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  "catching up": "bg-sky-50 text-sky-700 ring-sky-600/20",
  rebuilding: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
  failing: "bg-red-50 text-red-700 ring-red-600/20",
};

export function ProjectionsTable({ initial }: { initial: ProjectionView[] }) {
  const query = useQuery({
    queryKey: ["projections"],
    queryFn: async () => (await apiFetch<{ items: ProjectionView[] }>("/api/projections")).body.items,
    initialData: initial,
    refetchInterval: (current) => (current.state.data?.some((p) => p.rebuild || p.lagEvents > 0) ? 500 : 3000),
  });
  const rebuild = useMutation<unknown, ApiError, string>({
    mutationFn: (name) => apiFetch(`/api/projections/${encodeURIComponent(name)}/rebuild`, { method: "POST" }),
    onSettled: () => query.refetch(),
  });

  return (
    <div className="space-y-3">
      <ApiErrorAlert error={rebuild.error} />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <TableHead
            columns={[
              "Projection",
              "Status",
              { label: "Checkpoint", align: "right" },
              { label: "Lag", align: "right" },
              "Last error",
              "Rebuild",
            ]}
          />
          <tbody className="divide-y divide-slate-100">
            {query.data.map((projection) => {
              const percent = projection.rebuild
                ? Math.round((100 * projection.rebuild.applied) / Math.max(projection.rebuild.total, 1))
                : 0;
              return (
                <tr key={projection.name} data-projection={projection.name}>
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {projection.name} <span className="font-normal text-slate-500">v{projection.version}</span>
                  </th>
                  <td className="px-3 py-2">
                    <span
                      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${stateStyle[projection.state]}`}
                    >
                      {projection.state}
                    </span>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {projection.position.toLocaleString("en")}{" "}
                    <span className="text-slate-500">/ {projection.head.toLocaleString("en")}</span>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums" data-testid="lag">
                    {projection.lagEvents.toLocaleString("en")} events · {projection.lagSeconds} s
                  </td>
                  <td className="max-w-xs px-3 py-2 text-red-700">
                    {projection.lastError ? (
                      <>
                        {projection.lastError}{" "}
                        {projection.lastErrorAt && (
                          <RelativeTime iso={projection.lastErrorAt} className="text-slate-500" />
                        )}
                      </>
                    ) : (
                      <span className="text-slate-500">—</span>
                    )}
                  </td>
                  <td className="min-w-48 px-3 py-2">
                    {projection.rebuild ? (
                      <div>
                        <div
                          role="progressbar"
                          aria-label={`Rebuilding ${projection.name}`}
                          aria-valuemin={0}
                          aria-valuemax={100}
                          aria-valuenow={percent}
                          className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
                        >
                          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${percent}%` }} />
                        </div>
                        <p className="mt-1 text-xs text-slate-500 tabular-nums">
                          {projection.rebuild.applied.toLocaleString("en")} of{" "}
                          {projection.rebuild.total.toLocaleString("en")} events
                        </p>
                      </div>
                    ) : (
                      <button
                        type="button"
                        disabled={rebuild.isPending}
                        onClick={() => rebuild.mutate(projection.name)}
                        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-50 disabled:opacity-60"
                      >
                        Rebuild {projection.name}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
