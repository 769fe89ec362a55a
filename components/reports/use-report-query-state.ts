"use client";

// The reports page's state lives in its URL (window, as-of date, sort, page, period), so a reload or a
// shared link shows the same reports; this hook reads it and changes it.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { apiFetch } from "@/lib/client/api";

export type Navigate = (changes: Record<string, string | undefined>) => void;

export function useReportQueryState() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const get = (key: string) => params.get(key) ?? undefined;

  const navigate: Navigate = useCallback(
    (changes) => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      router.replace(`${pathname}?${next}`, { scroll: false });
    },
    [params, pathname, router],
  );

  const from = get("from");
  const to = get("to");
  const asOf = get("asOf");
  /** The window and instant every report shares. */
  const shared = new URLSearchParams();
  if (from) shared.set("from", from);
  if (to) shared.set("to", to);
  if (asOf) shared.set("asOf", asOf);

  return { get, navigate, from, to, asOf, shared };
}

/** A report's answer, polled every second while its projection is still catching up. */
export function useReport<Body extends { freshness: { state: string } }>(path: string, query: URLSearchParams) {
  return useQuery({
    queryKey: ["report", path, query.toString()],
    queryFn: async () => (await apiFetch<Body>(`${path}?${query}`)).body,
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      current.state.data && current.state.data.freshness.state !== "up to date" ? 1000 : false,
  });
}

/** Where a report's CSV downloads from: the same query, every row. */
export function csvHref(path: string, query: URLSearchParams): string {
  const withFormat = new URLSearchParams(query);
  withFormat.delete("page");
  withFormat.delete("limit");
  withFormat.set("format", "csv");
  return `${path}?${withFormat}`;
}
