"use client";

// What saving a report would record, asked as a dry run (decision 028) before anything is saved:
// the event, the revision it would reach, and a refusal (the limit, say) before it happens.
import { useMutation } from "@tanstack/react-query";
import type { z } from "zod";
import { ApiError, apiFetch } from "@/lib/client/api";
import type { SavedReportPreview } from "@/lib/application/reports/saved-report-commands";
import type { reportDefinition } from "@/lib/validation/saved-reports";

type Definition = z.output<typeof reportDefinition>;

/** Asks what saving `definition` (as report `id`, or a new one) would record, and holds the answer. */
export function useSavedReportPreview() {
  return useMutation<SavedReportPreview, ApiError, { id?: number; definition: Definition }>({
    mutationFn: async ({ id, definition }) =>
      (
        await apiFetch<SavedReportPreview>(
          id === undefined ? "/api/reports/definitions?dryRun=true" : `/api/reports/definitions/${id}?dryRun=true`,
          { method: id === undefined ? "POST" : "PUT", body: definition },
        )
      ).body,
  });
}

export function SavedReportPreviewNote({ preview }: { preview: SavedReportPreview }) {
  const event = preview.events[0];
  return (
    <div
      role="status"
      aria-label="What saving would record"
      className="rounded-md border border-indigo-200 bg-white p-3 text-sm text-slate-700"
    >
      {event ? (
        <p>
          Saving would record <code className="font-mono">{event.type}</code>:{" "}
          {preview.before
            ? `"${preview.before.name}" revision ${preview.before.revision} → "${preview.state?.name}" revision ${preview.state?.revision}, rebuilt over the whole history.`
            : `"${preview.state?.name}", computed over the whole history once saved.`}{" "}
          Nothing is saved yet.
        </p>
      ) : (
        <p>Saving would record nothing.</p>
      )}
    </div>
  );
}
