"use client";

import { useMutation } from "@tanstack/react-query";
import { memo, useState, type FormEvent } from "react";
import { ApiError, apiFetch } from "@/lib/client/api";
import type { UserView } from "@/lib/application/users/user-view";
import { Field } from "../field";

type Command = { path: string; body: Record<string, string> };

/** Rename, change email, deactivate or reactivate — always against the version this page shows. */
export const UserCommands = memo(function UserCommands({ user, onChanged }: { user: UserView; onChanged: () => Promise<unknown> }) {
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [reason, setReason] = useState("");
  // Why: goes with the next change into its events' metadata (the audit trail).
  const [why, setWhy] = useState("");
  const [success, setSuccess] = useState<string | null>(null);

  const run = useMutation<UserView, ApiError, Command & { done: string }>({
    mutationFn: async ({ path, body }) =>
      (await apiFetch<UserView>(`/api/users/${user.id}/${path}`, { method: "POST", body, headers: { "if-match": `"${user.version}"` } }))
        .body,
    onSuccess: async (updated, { done }) => {
      setSuccess(done);
      setName(updated.name);
      setEmail(updated.email);
      setReason("");
      setWhy("");
      await onChanged();
    },
    onMutate: () => setSuccess(null),
  });
  const error = run.error;
  const stale = error?.status === 412;
  const withWhy = (body: Record<string, string>) => (why.trim() ? { ...body, reason: why.trim() } : body);
  const submit = (command: Command & { done: string }) => (event: FormEvent) => {
    event.preventDefault();
    run.mutate(command);
  };
  const reload = async () => {
    run.reset();
    await onChanged();
  };
  const fieldError = (path: string) => (error && !stale ? error.forField(path) : undefined);

  return (
    <section aria-labelledby="commands-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="commands-title" className="font-semibold">
        Change this user
      </h2>
      {stale && (
        <div
          role="alert"
          className="mt-3 flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <span>Changed by someone else — reload to see their change, then try again.</span>
          <button type="button" onClick={reload} className="rounded-md bg-red-700 px-3 py-1 font-medium text-white hover:bg-red-600">
            Reload
          </button>
        </div>
      )}
      {error && !stale && error.fieldProblems.length === 0 && (
        <p role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.detail || error.title}
        </p>
      )}
      {success && (
        <p role="status" className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {success}
        </p>
      )}
      {user.status === "active" ? (
        <div className="mt-3 space-y-4">
          <Field label="Why (optional, kept in the audit trail)" value={why} onChange={setWhy} error={fieldError("reason")} />
          <OneFieldForm
            label="Name"
            value={name}
            onChange={setName}
            error={fieldError("name")}
            action="Rename"
            pending={run.isPending}
            onSubmit={submit({ path: "rename", body: withWhy({ name }), done: "Renamed." })}
          />
          <OneFieldForm
            label="Email"
            type="email"
            value={email}
            onChange={setEmail}
            error={fieldError("email")}
            action="Change email"
            pending={run.isPending}
            onSubmit={submit({ path: "change-email", body: withWhy({ email }), done: "Email changed." })}
          />
          <OneFieldForm
            label="Reason for deactivation"
            value={reason}
            onChange={setReason}
            error={fieldError("reason")}
            action="Deactivate"
            danger
            pending={run.isPending}
            onSubmit={submit({ path: "deactivate", body: { reason }, done: "Deactivated." })}
          />
        </div>
      ) : (
        <div className="mt-3 flex items-center justify-between gap-2">
          <p className="text-sm text-slate-600">This user is deactivated: it accepts no change until reactivated.</p>
          <button
            type="button"
            disabled={run.isPending}
            onClick={() => run.mutate({ path: "reactivate", body: {}, done: "Reactivated." })}
            className="rounded-md bg-emerald-600 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-500 disabled:opacity-60"
          >
            Reactivate
          </button>
        </div>
      )}
    </section>
  );
});

function OneFieldForm({
  label,
  type,
  value,
  onChange,
  error,
  action,
  danger = false,
  pending,
  onSubmit,
}: {
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  action: string;
  danger?: boolean;
  pending: boolean;
  onSubmit: (event: FormEvent) => void;
}) {
  const style = danger ? "border border-red-300 bg-white text-red-700 hover:bg-red-50" : "bg-indigo-600 text-white hover:bg-indigo-500";
  return (
    <form onSubmit={onSubmit} className="flex items-end gap-2" noValidate>
      <div className="flex-1">
        <Field label={label} type={type} value={value} onChange={onChange} error={error} />
      </div>
      <button type="submit" disabled={pending} className={`rounded-md px-3 py-2 text-sm font-medium disabled:opacity-60 ${style}`}>
        {action}
      </button>
    </form>
  );
}
