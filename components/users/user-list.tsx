"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type SubmitEvent } from "react";
import { apiFetch, type ApiError } from "@/lib/client/api";
import type { UserList as UserListPage } from "@/lib/application/users/user-queries";
import type { UserView } from "@/lib/application/users/user-view";
import { LoadMoreButton } from "../load-more-button";
import { AbsoluteTime, RelativeTime } from "../relative-time";
import { StatusBadge } from "../status-badge";
import { TableHead } from "../table-head";
import { useLiveEvents } from "../use-live-events";
import { AsOfControl } from "./as-of-control";
import { CreateUserForm } from "./create-user-form";

export interface UserListFilters {
  q?: string;
  status?: "active" | "deactivated";
  at?: string;
}

function listPath(filters: UserListFilters, cursor?: string) {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  if (filters.status) params.set("status", filters.status);
  if (filters.at) params.set("at", filters.at);
  if (cursor) params.set("cursor", cursor);
  params.set("limit", "25");
  return `/api/users?${params}`;
}

function SkeletonRows() {
  return (
    <>
      {Array.from({ length: 6 }, (_, i) => (
        <tr key={i} aria-hidden>
          {Array.from({ length: 5 }, (_, j) => (
            <td key={j} className="px-3 py-3">
              <div className="h-4 animate-pulse rounded bg-slate-200" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function UserList({ filters, initialPage }: { filters: UserListFilters; initialPage?: UserListPage }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [search, setSearch] = useState(filters.q ?? "");
  // The box follows the URL (back, forward, a link): adjusted while rendering, not in an effect.
  const [searchShownFor, setSearchShownFor] = useState(filters.q);
  if (searchShownFor !== filters.q) {
    setSearchShownFor(filters.q);
    setSearch(filters.q ?? "");
  }

  const query = useInfiniteQuery<UserListPage, ApiError>({
    queryKey: ["users", filters],
    queryFn: async ({ pageParam }) =>
      (await apiFetch<UserListPage>(listPath(filters, pageParam as string | undefined))).body,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: initialPage ? { pages: [initialPage], pageParams: [undefined] } : undefined,
  });

  // Someone changed a user: refresh today's list (a list as of a past instant cannot change).
  const queryClient = useQueryClient();
  useLiveEvents(() => void queryClient.invalidateQueries({ queryKey: ["users"] }), { enabled: !filters.at });

  const navigate = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams(searchParams.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value) params.set(key, value);
      else params.delete(key);
    }
    const queryString = params.toString();
    router.replace(queryString ? `${pathname}?${queryString}` : pathname, { scroll: false });
  };

  const onSearch = (event: SubmitEvent) => {
    event.preventDefault();
    navigate({ q: search.trim() || undefined });
  };

  const users: UserView[] = query.data?.pages.flatMap((page) => page.items) ?? [];
  const total = query.data?.pages[0]?.total;

  return (
    <div className="space-y-4">
      {filters.at && (
        <div
          role="status"
          className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-amber-900"
        >
          <span>
            Viewing as of <AbsoluteTime iso={filters.at} className="font-semibold" /> — rebuilt from the event log
          </span>
          <button
            type="button"
            onClick={() => navigate({ at: undefined })}
            className="rounded-md bg-amber-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-amber-800"
          >
            Back to now
          </button>
        </div>
      )}

      <div className="flex flex-wrap items-end gap-3">
        <form onSubmit={onSearch} role="search" className="flex min-w-0 flex-1 gap-2">
          <label className="min-w-0 flex-1">
            <span className="mb-1 block text-sm font-medium text-slate-700">Search</span>
            <input
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="Name or email"
              className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200"
            />
          </label>
          <button
            type="submit"
            className="self-end rounded-md bg-slate-800 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700"
          >
            Search
          </button>
        </form>
        <label>
          <span className="mb-1 block text-sm font-medium text-slate-700">Status</span>
          <select
            value={filters.status ?? ""}
            onChange={(event) => navigate({ status: event.target.value || undefined })}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 shadow-sm"
          >
            <option value="">All</option>
            <option value="active">Active</option>
            <option value="deactivated">Deactivated</option>
          </select>
        </label>
        <AsOfControl value={filters.at} onChange={(at) => navigate({ at })} />
        {!filters.at && <CreateUserForm />}
      </div>

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="px-3 py-2 text-left text-slate-500">
            {total === undefined
              ? "Loading users…"
              : `${total.toLocaleString("en")} ${total === 1 ? "user" : "users"}${filters.q ? ` matching “${filters.q}”` : ""}`}
          </caption>
          <TableHead columns={["Name", "Email", "Status", { label: "Version", align: "right" }, "Last change"]} />
          <tbody className="divide-y divide-slate-100">
            {query.isPending && <SkeletonRows />}
            {query.isError && (
              <tr>
                <td colSpan={5} className="px-3 py-8 text-center text-red-700" role="alert">
                  Could not load users: {query.error.message}{" "}
                  <button type="button" onClick={() => query.refetch()} className="font-medium underline">
                    Try again
                  </button>
                </td>
              </tr>
            )}
            {query.isSuccess && users.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-10 text-center text-slate-500">
                  {filters.q || filters.status
                    ? "No user matches these filters."
                    : filters.at
                      ? "No user existed yet at that time."
                      : "No users yet. Create the first one."}
                </td>
              </tr>
            )}
            {users.map((user) => (
              <tr key={user.id} className="hover:bg-slate-50">
                <td className="px-3 py-2 font-medium">
                  <Link
                    href={`/users/${user.id}${filters.at ? `?at=${encodeURIComponent(filters.at)}` : ""}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {user.name}
                  </Link>
                </td>
                <td className="break-all px-3 py-2 text-slate-700">{user.email}</td>
                <td className="px-3 py-2">
                  <StatusBadge status={user.status} />
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{user.version}</td>
                <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                  <RelativeTime iso={user.updatedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMoreButton query={query} label={`Show more (${users.length} of ${total})`} />
    </div>
  );
}
