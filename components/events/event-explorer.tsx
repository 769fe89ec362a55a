"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { apiFetch, type ApiError } from "@/lib/client/api";
import type { EventLogPage } from "@/lib/application/event-log";
import type { EventView } from "@/lib/application/users/user-queries";
import { adminActionTypes } from "@/lib/domain/access/admin-action-types";
import { savedReportEventTypes } from "@/lib/domain/reports/saved-reports";
import { userEventTypes } from "@/lib/domain/users";
import { userIdPattern } from "@/lib/validation/users";
import { LoadMoreButton } from "../load-more-button";
import { useLiveEvents, type LiveEvent } from "../use-live-events";
import { EventEntries } from "./event-entries";
import { FilterForm, useUrlFilters, type FilterField } from "./filter-fields";

const eventTypes: readonly string[] = [...userEventTypes, ...adminActionTypes, ...savedReportEventTypes];

const filterNames = ["type", "actor", "stream", "from", "to", "position"] as const;
type Filters = ReturnType<typeof useUrlFilters<(typeof filterNames)[number]>>;

const fields: FilterField[] = [
  {
    name: "type",
    label: "Type",
    kind: "select",
    options: [{ value: "", label: "All types" }, ...eventTypes.map((type) => ({ value: type, label: type }))],
  },
  { name: "actor", label: "Actor", kind: "text", placeholder: "admin:alice@example.com" },
  // A user's id is enough: their stream is user-<id>.
  {
    name: "stream",
    label: "User or stream",
    kind: "text",
    placeholder: "user id or stream id",
    toUrl: (typed) => (userIdPattern.test(typed) ? `user-${typed}` : typed),
  },
  { name: "from", label: "From", kind: "instant" },
  { name: "to", label: "Until", kind: "instant" },
  { name: "position", label: "Jump to position", kind: "number", placeholder: "e.g. 1200" },
];

const pageSize = 50;

function listPath(filters: Filters, cursor?: string) {
  const params = new URLSearchParams({ order: "desc", limit: String(pageSize) });
  for (const name of filterNames)
    if (filters[name] && !(cursor && name === "position")) params.set(name, filters[name]);
  if (cursor) params.set("cursor", cursor);
  return `/api/events?${params}`;
}

/** Whether an event just appended belongs in the list these filters show. */
function matches(event: LiveEvent, filters: Filters): boolean {
  return (
    (!filters.type || event.type === filters.type) &&
    (!filters.actor || event.metadata.actor === filters.actor) &&
    (!filters.stream || event.streamId === filters.stream) &&
    (!filters.from || Date.parse(event.recordedAt) >= Date.parse(filters.from)) &&
    (!filters.to || Date.parse(event.recordedAt) < Date.parse(filters.to))
  );
}

function EventLog({ filters }: { filters: Filters }) {
  const query = useInfiniteQuery<EventLogPage, ApiError>({
    queryKey: ["event-log", filters],
    queryFn: async ({ pageParam }) =>
      (await apiFetch<EventLogPage>(listPath(filters, pageParam as string | undefined))).body,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  // The live tail follows the head of the log; a jump to a position looks at the past.
  const [following, setFollowing] = useState(true);
  const canFollow = filters.position === undefined;
  const [arrived, setArrived] = useState<EventView[]>([]);
  useLiveEvents(
    useCallback(
      (events: LiveEvent[]) =>
        setArrived((earlier) => [...events.filter((event) => matches(event, filters)).reverse(), ...earlier]),
      [filters],
    ),
    { enabled: canFollow && following, types: eventTypes },
  );
  const resume = () => {
    // What was appended while paused was not followed: read the head again.
    setArrived([]);
    setFollowing(true);
    void query.refetch();
  };

  const listed = query.data?.pages.flatMap((page) => page.items) ?? [];
  const listedPositions = new Set(listed.map((event) => event.position));
  const fresh = arrived.filter((event) => !listedPositions.has(event.position));
  const events = [...fresh, ...listed];
  const freshPositions = new Set(fresh.map((event) => event.position));

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        {canFollow ? (
          <>
            <button
              type="button"
              aria-pressed={!following}
              onClick={() => (following ? setFollowing(false) : resume())}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium shadow-sm hover:bg-slate-50"
            >
              {following ? "Pause live tail" : "Resume live tail"}
            </button>
            <p role="status" className="text-sm text-slate-600">
              {following ? (
                <>
                  <span aria-hidden className="mr-1 inline-block size-2 rounded-full bg-emerald-500" />
                  Live: new events appear at the top{fresh.length > 0 ? ` (${fresh.length} new)` : ""}
                </>
              ) : (
                "Paused: new events are not shown until you resume"
              )}
            </p>
          </>
        ) : (
          <p className="text-sm text-slate-600">
            Starting at position {filters.position}; the live tail follows the newest events only.
          </p>
        )}
      </div>

      <div className="rounded-lg border border-slate-200 bg-white shadow-sm">
        {query.isPending && <p className="animate-pulse px-3 py-10 text-center text-slate-600">Loading events…</p>}
        {query.isError && (
          <p role="alert" className="px-3 py-8 text-center text-red-700">
            Could not load events: {query.error.message}{" "}
            <button type="button" onClick={() => query.refetch()} className="font-medium underline">
              Try again
            </button>
          </p>
        )}
        {query.isSuccess && events.length === 0 && (
          <p className="px-3 py-10 text-center text-slate-600">No event matches these filters.</p>
        )}
        {events.length > 0 && <EventEntries events={events} label="Events, newest first" highlight={freshPositions} />}
      </div>
      <LoadMoreButton query={query} label="Older events" />
    </div>
  );
}

/** The event log itself, newest first: filters and the starting position live in the URL. */
export function EventExplorer() {
  const searchParams = useSearchParams();
  const filters = useUrlFilters(filterNames);
  const key = searchParams.toString();
  return (
    <div className="space-y-4">
      {/* Siblings need keys of their own: one key shared by both would make React keep stale copies. */}
      <FilterForm key={`filters ${key}`} fields={fields} values={filters} pathname="/events" />
      <EventLog key={`log ${key}`} filters={filters} />
    </div>
  );
}
