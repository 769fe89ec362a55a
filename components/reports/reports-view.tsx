"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type SubmitEvent } from "react";
import { apiFetch } from "@/lib/client/api";
import type { ActivityPoint } from "@/lib/application/reports/activity-report";
import type { Freshness } from "@/lib/application/reports/freshness";
import type { NameChangeRow } from "@/lib/application/reports/name-changes-report";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { ActivityChart, activityLabels } from "./activity-chart";

interface NameChangesBody {
  window: { from: string; to: string };
  total: number;
  page: number;
  limit: number;
  items: NameChangeRow[];
  freshness: Freshness;
}
interface ActivityBody {
  window: { from: string; to: string };
  points: ActivityPoint[];
  totals: Record<keyof typeof activityLabels, number>;
  freshness: Freshness;
}

const pageSize = 25;

const sortable = [
  ["current_name", "Current name"],
  ["renames", "Renames"],
  ["first_rename", "First rename"],
  ["last_rename", "Last rename"],
] as const;

function FreshnessLine({ freshness }: { freshness: Freshness }) {
  return (
    <p className="text-xs text-slate-500" data-testid={`freshness-${freshness.projection}`}>
      {freshness.progress ? (
        <span role="status">
          Catching up: {freshness.progress.applied.toLocaleString("en")} of {freshness.progress.total.toLocaleString("en")} events
        </span>
      ) : freshness.lagEvents > 0 ? (
        <span role="status">
          Catching up: {freshness.lagEvents.toLocaleString("en")} events behind ({freshness.lagSeconds} s)
        </span>
      ) : (
        <>
          Up to date
          {freshness.caughtUpAt && (
            <>
              {" "}
              — checked <RelativeTime iso={freshness.caughtUpAt} />
            </>
          )}
        </>
      )}
      {" · "}from projection <code>{freshness.projection}</code>
    </p>
  );
}

export function ReportsView() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const get = (key: string) => params.get(key) ?? undefined;
  const from = get("from");
  const to = get("to");
  const asOf = get("asOf");
  const sort = get("sort") ?? "last_rename";
  const order = get("order") ?? "desc";
  const page = Number(get("page") ?? 1);
  const bucket = get("bucket") ?? "week";

  const navigate = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    router.replace(`${pathname}?${next}`, { scroll: false });
  };

  const shared = new URLSearchParams();
  if (from) shared.set("from", from);
  if (to) shared.set("to", to);
  if (asOf) shared.set("asOf", asOf);
  const nameQuery = new URLSearchParams(shared);
  nameQuery.set("sort", sort);
  nameQuery.set("order", order);
  nameQuery.set("page", String(page));
  nameQuery.set("limit", String(pageSize));
  const activityParams = new URLSearchParams(shared);
  activityParams.set("bucket", bucket);

  const names = useQuery({
    queryKey: ["report", "name-changes", nameQuery.toString()],
    queryFn: async () => (await apiFetch<NameChangesBody>(`/api/reports/name-changes?${nameQuery}`)).body,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data && query.state.data.freshness.state !== "up to date" ? 1000 : false),
  });
  const activity = useQuery({
    queryKey: ["report", "activity", activityParams.toString()],
    queryFn: async () => (await apiFetch<ActivityBody>(`/api/reports/activity?${activityParams}`)).body,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data && query.state.data.freshness.state !== "up to date" ? 1000 : false),
  });

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

  const csv = (path: string, query: URLSearchParams) => {
    const withFormat = new URLSearchParams(query);
    withFormat.delete("page");
    withFormat.delete("limit");
    withFormat.set("format", "csv");
    return `${path}?${withFormat}`;
  };
  const pages = names.data ? Math.max(1, Math.ceil(names.data.total / names.data.limit)) : 1;

  return (
    <div className="space-y-6">
      <form onSubmit={apply} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
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
        <button type="submit" className="rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700">
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

      <section aria-labelledby="names-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="names-title" className="text-lg font-semibold">
            Who changed their name
          </h2>
          <a href={csv("/api/reports/name-changes", nameQuery)} download className="text-sm font-medium text-indigo-700 hover:underline">
            Download CSV
          </a>
        </div>
        {names.data && (
          <p className="text-sm text-slate-600">
            {names.data.total.toLocaleString("en")} users renamed between <AbsoluteTime iso={names.data.window.from} /> and{" "}
            <AbsoluteTime iso={names.data.window.to} />
          </p>
        )}
        {names.data && <FreshnessLine freshness={names.data.freshness} />}
        {names.isError && (
          <p role="alert" className="text-red-700">
            {names.error.message}
          </p>
        )}
        <div className="overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                {sortable.map(([key, label]) => (
                  <th
                    key={key}
                    scope="col"
                    className="px-2 py-2"
                    aria-sort={sort === key ? (order === "asc" ? "ascending" : "descending") : undefined}
                  >
                    <button
                      type="button"
                      onClick={() => navigate({ sort: key, order: sort === key && order === "desc" ? "asc" : "desc", page: undefined })}
                      className="uppercase hover:text-slate-800"
                    >
                      {label} {sort === key ? (order === "asc" ? "↑" : "↓") : ""}
                    </button>
                  </th>
                ))}
                <th scope="col" className="px-2 py-2">
                  Names
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {names.isPending &&
                Array.from({ length: 5 }, (_, i) => (
                  <tr key={i} aria-hidden>
                    <td colSpan={5} className="px-2 py-3">
                      <div className="h-4 animate-pulse rounded bg-slate-200" />
                    </td>
                  </tr>
                ))}
              {names.data?.items.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-2 py-8 text-center text-slate-500">
                    Nobody changed their name in this window.
                  </td>
                </tr>
              )}
              {names.data?.items.map((row) => (
                <tr key={row.userId}>
                  <td className="px-2 py-2 font-medium">
                    <Link href={`/users/${row.userId}`} className="text-indigo-700 hover:underline">
                      {row.currentName}
                    </Link>
                  </td>
                  <td className="px-2 py-2 tabular-nums">{row.renames}</td>
                  <td className="whitespace-nowrap px-2 py-2">
                    <AbsoluteTime iso={row.firstRenameAt} />
                  </td>
                  <td className="whitespace-nowrap px-2 py-2">
                    <AbsoluteTime iso={row.lastRenameAt} />
                  </td>
                  <td className="px-2 py-2 text-slate-600">{row.names.join(" → ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {names.data && pages > 1 && (
          <nav aria-label="Pages" className="flex items-center justify-between text-sm">
            <button
              type="button"
              disabled={page <= 1}
              onClick={() => navigate({ page: String(page - 1) })}
              className="rounded-md border border-slate-300 px-3 py-1.5 disabled:opacity-50"
            >
              Previous
            </button>
            <span>
              Page {page} of {pages}
            </span>
            <button
              type="button"
              disabled={page >= pages}
              onClick={() => navigate({ page: String(page + 1) })}
              className="rounded-md border border-slate-300 px-3 py-1.5 disabled:opacity-50"
            >
              Next
            </button>
          </nav>
        )}
      </section>

      <section aria-labelledby="activity-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
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
            <a href={csv("/api/reports/activity", activityParams)} download className="text-sm font-medium text-indigo-700 hover:underline">
              Download CSV
            </a>
          </div>
        </div>
        {activity.data && <FreshnessLine freshness={activity.data.freshness} />}
        {activity.data ? <ActivityChart points={activity.data.points} /> : <div className="h-72 animate-pulse rounded bg-slate-100" />}
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
    </div>
  );
}
