"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { apiFetch, type ApiError } from "@/lib/client/api";
import type { EventLogPage } from "@/lib/application/event-log";
import { LoadMoreButton } from "../load-more-button";
import { EventEntries } from "./event-entries";
import { FilterForm, useUrlFilters, type FilterField } from "./filter-fields";

const filterNames = ["actor", "from", "to"] as const;
type Filters = ReturnType<typeof useUrlFilters<(typeof filterNames)[number]>>;

const fields: FilterField[] = [
  { name: "actor", label: "Actor", kind: "text", placeholder: "admin:alice@example.com or token:name#id" },
  { name: "from", label: "From", kind: "instant" },
  { name: "to", label: "Until", kind: "instant" },
];

const pageSize = 50;

function auditPath(filters: Filters, extra: Record<string, string>) {
  const params = new URLSearchParams();
  for (const name of filterNames) if (filters[name]) params.set(name, filters[name]);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return `/api/audit?${params}`;
}

/** What admins and API tokens did, newest first, sign-ins and token changes included; filters live in the URL. */
export function AuditView() {
  const searchParams = useSearchParams();
  const filters = useUrlFilters(filterNames);
  const query = useInfiniteQuery<EventLogPage, ApiError>({
    queryKey: ["audit", filters],
    queryFn: async ({ pageParam }) =>
      (
        await apiFetch<EventLogPage>(
          auditPath(filters, { limit: String(pageSize), ...(pageParam ? { cursor: pageParam as string } : {}) }),
        )
      ).body,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = query.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="space-y-4">
      <FilterForm key={searchParams.toString()} fields={fields} values={filters} pathname="/audit">
        <a
          href={auditPath(filters, { format: "csv" })}
          download
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-slate-50"
        >
          Download CSV
        </a>
      </FilterForm>
      <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
        {query.isPending && (
          <p className="animate-pulse px-3 py-10 text-center text-slate-600">Loading the audit trail…</p>
        )}
        {query.isError && (
          <p role="alert" className="px-3 py-8 text-center text-red-700">
            Could not load the audit trail: {query.error.message}{" "}
            <button type="button" onClick={() => query.refetch()} className="font-medium underline">
              Try again
            </button>
          </p>
        )}
        {query.isSuccess && entries.length === 0 && (
          <p className="px-3 py-10 text-center text-slate-600">Nothing was recorded for these filters.</p>
        )}
        {entries.length > 0 && <EventEntries events={entries} label="Audit entries, newest first" />}
      </div>
      <LoadMoreButton query={query} label="Older entries" />
    </div>
  );
}
