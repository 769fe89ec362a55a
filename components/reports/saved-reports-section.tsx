"use client";

// The product owner's own reports: declared here, kept by projections that cover the whole log.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import { ApiError, apiFetch } from "@/lib/client/api";
import type { reportDefinition } from "@/lib/validation/saved-reports";
import { ApiErrorAlert } from "../api-error-alert";
import { ReportDefinitionForm } from "./report-definition-form";
import { SavedReportPanel, type SavedReportBody } from "./saved-report-panel";
import { SavedReportPreviewNote, useSavedReportPreview } from "./saved-report-preview";

type Definition = z.output<typeof reportDefinition>;

export function SavedReportsSection({ shared }: { shared: URLSearchParams }) {
  const queryClient = useQueryClient();
  const reports = useQuery({
    queryKey: ["saved-reports"],
    queryFn: async () => (await apiFetch<{ items: SavedReportBody[] }>("/api/reports/definitions")).body.items,
  });
  // "new", the id of the report being edited, or nothing.
  const [editing, setEditing] = useState<"new" | number | null>(null);
  const refresh = () =>
    queryClient
      .invalidateQueries({ queryKey: ["saved-reports"] })
      .then(() => queryClient.invalidateQueries({ queryKey: ["report"] }));
  const save = useMutation<SavedReportBody, ApiError, { id?: number; definition: Definition }>({
    mutationFn: async ({ id, definition }) =>
      (
        await apiFetch<SavedReportBody>(
          id === undefined ? "/api/reports/definitions" : `/api/reports/definitions/${id}`,
          {
            method: id === undefined ? "POST" : "PUT",
            body: definition,
          },
        )
      ).body,
    onSuccess: () => {
      setEditing(null);
      preview.reset();
      void refresh();
    },
  });
  const preview = useSavedReportPreview();
  const previewNote = preview.data && <SavedReportPreviewNote preview={preview.data} />;
  const startEditing = (what: "new" | number) => {
    save.reset();
    preview.reset();
    setEditing(what);
  };
  const remove = useMutation<unknown, ApiError, SavedReportBody>({
    mutationFn: (report) => apiFetch(`/api/reports/definitions/${report.id}`, { method: "DELETE" }),
    // The report leaves the page before it is deleted: its panel would otherwise keep asking for
    // results that no longer exist (a 404) until the list came back without it.
    onMutate: async (report) => {
      await queryClient.cancelQueries({ queryKey: ["report", `/api/reports/custom/${report.id}`] });
      queryClient.setQueryData<SavedReportBody[]>(["saved-reports"], (items) =>
        items?.filter((item) => item.id !== report.id),
      );
    },
    onSettled: () => void refresh(),
  });

  return (
    <section aria-labelledby="saved-reports-title" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="saved-reports-title" className="text-xl font-semibold">
          Your reports
        </h2>
        {editing !== "new" && (
          <button
            type="button"
            onClick={() => startEditing("new")}
            className="rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-600"
          >
            New report
          </button>
        )}
      </div>
      {editing === "new" && (
        <ReportDefinitionForm
          submitLabel="Save report"
          pending={save.isPending || preview.isPending}
          error={save.error ?? preview.error}
          onSubmit={(definition) => save.mutate({ definition })}
          onPreview={(definition) => preview.mutate({ definition })}
          preview={previewNote}
          onCancel={() => setEditing(null)}
        />
      )}
      <ApiErrorAlert error={remove.error} />
      {reports.data?.length === 0 && editing !== "new" && (
        <p className="text-sm text-slate-600">
          No saved reports yet: a new one is computed over the whole history, including events recorded before it
          existed.
        </p>
      )}
      {reports.data?.map((report) =>
        editing === report.id ? (
          <ReportDefinitionForm
            key={report.id}
            initial={report.definition}
            submitLabel="Save changes"
            pending={save.isPending || preview.isPending}
            error={save.error ?? preview.error}
            onSubmit={(definition) => save.mutate({ id: report.id, definition })}
            onPreview={(definition) => preview.mutate({ id: report.id, definition })}
            preview={previewNote}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <SavedReportPanel
            key={report.id}
            report={report}
            shared={shared}
            onEdit={() => startEditing(report.id)}
            onDelete={() => {
              if (window.confirm(`Delete the report "${report.name}" and its data?`)) remove.mutate(report);
            }}
          />
        ),
      )}
    </section>
  );
}
