"use client";

// A command shown before it is recorded (decision 026): the form asks for a dry run, the admin sees
// the user before → after and the events it would record, and only "Record" sends the command.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { z } from "zod";
import { ApiError, apiFetch, checkedBody } from "@/lib/client/api";
import type { CommandPreview as Preview } from "@/lib/application/users/user-commands";
import type { UserView } from "@/lib/application/users/user-view";
import { formatValue } from "./history";

/** A command as the page sends it: its path under /api/users/:id, its body and what to say once done. */
export interface PreviewedCommand {
  path: string;
  body: Record<string, string>;
  done: string;
}

/**
 * Asks for a dry run of a command against the version the page shows, and holds it until it is
 * recorded or cancelled; a preview of a version the page no longer shows is dropped.
 */
export function useCommandPreview<Command extends PreviewedCommand>(
  user: Pick<UserView, "id" | "version">,
  schemaOf: (path: Command["path"]) => z.ZodType,
) {
  const [asked, setAsked] = useState<{ command: Command; version: number } | null>(null);
  const preview = useMutation<Preview, ApiError, Command>({
    mutationFn: async ({ path, body }) =>
      (
        await apiFetch<Preview>(`/api/users/${user.id}/${path}?dryRun=true`, {
          method: "POST",
          body: checkedBody(schemaOf(path), body),
          headers: { "if-match": `"${user.version}"` },
        })
      ).body,
    onMutate: (command) => setAsked({ command, version: user.version }),
    onError: () => setAsked(null),
  });
  const current = preview.data && asked?.version === user.version ? asked.command : null;
  return {
    /** The command previewed, once its preview of the version shown has come back. */
    command: current,
    preview: current ? preview.data! : null,
    error: preview.error,
    isPending: preview.isPending,
    request: (command: Command) => preview.mutate(command),
    close: () => {
      setAsked(null);
      preview.reset();
    },
  };
}

const actions: Record<string, string> = {
  rename: "Rename",
  "change-email": "Change email",
  deactivate: "Deactivate",
  reactivate: "Reactivate",
  forget: "Forget",
};

/** How a command's path reads in the preview's title. */
export const actionOf = (path: string) => actions[path] ?? path;

const shownFields = [
  ["name", "Name"],
  ["email", "Email"],
  ["status", "Status"],
  ["version", "Version"],
] as const satisfies readonly (readonly [keyof UserView, string])[];

/** The preview of one command: before → after, the events it would record, and Record or Cancel. */
export function CommandPreview({
  preview,
  action,
  recording,
  onRecord,
  onCancel,
}: {
  preview: Preview;
  action: string;
  recording: boolean;
  onRecord: () => void;
  onCancel: () => void;
}) {
  const nothing = preview.events.length === 0;
  return (
    <div
      role="region"
      aria-labelledby="command-preview-title"
      className="mt-3 rounded-md border border-indigo-200 bg-indigo-50/60 p-3 text-sm"
    >
      <h3 id="command-preview-title" className="font-semibold text-slate-800">
        Preview: {action}
      </h3>
      <p className="mt-1 text-slate-600">
        {nothing
          ? "Nothing would change: no event would be recorded."
          : `Would record ${preview.events.map((event) => event.type).join(", ")}. Nothing is recorded until you confirm.`}
      </p>
      <table className="mt-2 w-full table-fixed">
        <thead className="text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="w-1/4 py-1">
              Field
            </th>
            <th scope="col" className="py-1">
              Before
            </th>
            <th scope="col" className="py-1">
              After
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-indigo-100">
          {shownFields.map(([field, label]) => {
            const before = preview.before?.[field];
            const after = preview.state[field];
            const changed = before !== after;
            return (
              <tr key={field} data-changed={changed || undefined} className={changed ? "bg-amber-50" : ""}>
                <th scope="row" className="py-1.5 pr-2 text-left font-normal text-slate-700">
                  {label}
                  {changed && <span className="sr-only"> (changes)</span>}
                </th>
                <td className={`break-all py-1.5 pr-2 ${changed ? "text-slate-600 line-through" : ""}`}>
                  {formatValue(before)}
                </td>
                <td className={`break-all py-1.5 ${changed ? "font-medium text-amber-950" : ""}`}>
                  {formatValue(after)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="mt-3 flex gap-2">
        <button
          type="button"
          disabled={recording || nothing}
          onClick={onRecord}
          className="rounded-md bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
        >
          Record
        </button>
        <button
          type="button"
          onClick={onCancel}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50"
        >
          Cancel
        </button>
      </div>
    </div>
  );
}
