"use client";

import Link from "next/link";
import type { z } from "zod";
import type { nameChangesReport } from "@/lib/http/openapi/response-schemas";
import { AbsoluteTime } from "../relative-time";
import { FreshnessLine } from "./freshness-line";
import { csvHref, useReport, type useReportQueryState } from "./use-report-query-state";

type NameChangesBody = z.infer<typeof nameChangesReport>;

const pageSize = 25;

const sortable = [
  ["current_name", "Current name"],
  ["renames", "Renames"],
  ["first_rename", "First rename"],
  ["last_rename", "Last rename"],
] as const;

export function NameChangesPanel({ state }: { state: ReturnType<typeof useReportQueryState> }) {
  const { get, navigate, shared } = state;
  const sort = get("sort") ?? "last_rename";
  const order = get("order") ?? "desc";
  const page = Number(get("page") ?? 1);
  const basis = get("basis") === "recorded" ? "recorded" : "effective";
  const query = new URLSearchParams(shared);
  query.set("basis", basis);
  query.set("sort", sort);
  query.set("order", order);
  query.set("page", String(page));
  query.set("limit", String(pageSize));
  const names = useReport<NameChangesBody>("/api/reports/name-changes", query);
  const pages = names.data ? Math.max(1, Math.ceil(names.data.total / names.data.limit)) : 1;

  return (
    <section
      aria-labelledby="names-title"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="names-title" className="text-lg font-semibold">
          Who changed their name
        </h2>
        <a
          href={csvHref("/api/reports/name-changes", query)}
          download
          className="text-sm font-medium text-indigo-700 hover:underline"
        >
          Download CSV
        </a>
      </div>
      <label className="block text-sm font-medium text-slate-700">
        Renames placed by
        <select
          value={basis}
          onChange={(event) =>
            navigate({ basis: event.target.value === "recorded" ? "recorded" : undefined, page: undefined })
          }
          className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1 font-normal"
        >
          <option value="effective">when they took effect</option>
          <option value="recorded">when they were recorded</option>
        </select>
      </label>
      {names.data && (
        <p className="text-sm text-slate-600">
          {names.data.total.toLocaleString("en")} users renamed between <AbsoluteTime iso={names.data.window.from} />{" "}
          and <AbsoluteTime iso={names.data.window.to} /> (
          {names.data.basis === "effective" ? "by when the renames took effect" : "by when they were recorded"})
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
                    onClick={() =>
                      navigate({ sort: key, order: sort === key && order === "desc" ? "asc" : "desc", page: undefined })
                    }
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
  );
}
