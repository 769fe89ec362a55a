"use client";

import { useMutation } from "@tanstack/react-query";
import { memo, useEffect, useState, type SubmitEvent } from "react";
import { ApiError, apiFetch, checkedBody } from "@/lib/client/api";
import type { UserView } from "@/lib/application/users/user-view";
import { ApiErrorAlert } from "../api-error-alert";
import { actionOf, CommandPreview, useCommandPreview } from "./command-preview";
import { deactivationCategories } from "@/lib/domain/users/events";
import { Field } from "../field";
import { EffectiveFromField, effectiveProblem } from "./effective-from-field";
import { fromLocalInstantInput, toLocalInstantInput, type Correction, type CorrectionTarget } from "./two-axes";
import {
  changeEmailBody,
  deactivateUserBody,
  forgetUserBody,
  reactivateUserBody,
  renameUserBody,
} from "@/lib/validation/users";

// Each command's body schema, the one its route parses with: the form refuses what the API would.
const bodySchemas = {
  rename: renameUserBody,
  "change-email": changeEmailBody,
  deactivate: deactivateUserBody,
  reactivate: reactivateUserBody,
  forget: forgetUserBody,
};

type Command = { path: keyof typeof bodySchemas; body: Record<string, string> };

/**
 * Rename, change email, deactivate or reactivate — always against the version this page shows, effective
 * now or from an earlier instant. A correction (from the timeline's "Correct…") opens the matching
 * form at the corrected event's effective instant, whatever the user's status now.
 */
export const UserCommands = memo(function UserCommands({
  user,
  onChanged,
  correction = null,
  onCorrectionEnded,
}: {
  user: UserView;
  onChanged: () => Promise<unknown>;
  correction?: Correction | null;
  onCorrectionEnded?: () => void;
}) {
  const [name, setName] = useState(user.name);
  const [email, setEmail] = useState(user.email);
  const [reason, setReason] = useState("");
  const [category, setCategory] = useState<(typeof deactivationCategories)[number]>("other");
  // Why: goes with the next change into its events' metadata (the audit trail).
  const [why, setWhy] = useState("");
  const [success, setSuccess] = useState<string | null>(null);
  // When the next change took effect ("" for now), as the datetime-local field holds it.
  const [effectiveFrom, setEffectiveFrom] = useState("");
  // A new correction fills the form it opens (adjusted while rendering, not in an effect).
  const [correcting, setCorrecting] = useState<Correction | null>(null);
  if (correction !== correcting) {
    setCorrecting(correction);
    if (correction) {
      setEffectiveFrom(toLocalInstantInput(correction.effectiveAt));
      if (correction.target === "rename" && correction.value !== undefined) setName(correction.value);
      if (correction.target === "change-email" && correction.value !== undefined) setEmail(correction.value);
      if (correction.target === "deactivate" && correction.value !== undefined) setReason(correction.value);
      setSuccess(null);
    }
  }
  useEffect(() => {
    if (!correction) return;
    const form = document.getElementById(formId(user.id, correction.target));
    form?.scrollIntoView({ block: "center" });
    form?.querySelector<HTMLElement>("input, button[type=submit]")?.focus({ preventScroll: true });
  }, [correction, user.id]);

  // Every change is previewed first (a dry run) and recorded only once the admin confirms it.
  const preview = useCommandPreview<Command & { done: string }>(user, (path) => bodySchemas[path]);
  const run = useMutation<UserView, ApiError, Command & { done: string }>({
    mutationFn: async ({ path, body }) =>
      (
        await apiFetch<UserView>(`/api/users/${user.id}/${path}`, {
          method: "POST",
          body: checkedBody(bodySchemas[path], body),
          headers: { "if-match": `"${user.version}"` },
        })
      ).body,
    onSuccess: async (updated, { done }) => {
      preview.close();
      setSuccess(done);
      setName(updated.name);
      setEmail(updated.email);
      setReason("");
      setWhy("");
      setEffectiveFrom("");
      onCorrectionEnded?.();
      await onChanged();
    },
    onMutate: () => setSuccess(null),
  });
  const error = preview.error ?? run.error;
  const stale = error?.status === 412;
  const withWhy = (body: Record<string, string>) => (why.trim() ? { ...body, reason: why.trim() } : body);
  const effectiveAt = fromLocalInstantInput(effectiveFrom);
  const withEffective = (body: Record<string, string>) => (effectiveAt ? { ...body, effectiveAt } : body);
  const dated = effectiveProblem(error && !stale ? error : null);
  // Each form shows when the user takes it now, or when a correction opens it.
  const shows = (target: CorrectionTarget) =>
    user.status !== "forgotten" &&
    (correction?.target === target ||
      (target === "reactivate" ? user.status === "deactivated" : user.status === "active"));
  const submit = (command: Command & { done: string }) => (event: SubmitEvent) => {
    event.preventDefault();
    setSuccess(null);
    run.reset();
    preview.request(command);
  };
  const reload = async () => {
    run.reset();
    preview.close();
    await onChanged();
  };
  const fieldError = (path: string) => (error && !stale ? error.forField(path) : undefined);

  return (
    <section
      aria-labelledby="commands-title"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm [contain:content]"
    >
      <h2 id="commands-title" className="font-semibold">
        Change this user
      </h2>
      {stale && (
        <div
          role="alert"
          className="mt-3 flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <span>Changed by someone else — reload to see their change, then try again.</span>
          <button
            type="button"
            onClick={reload}
            className="rounded-md bg-red-700 px-3 py-1 font-medium text-white hover:bg-red-600"
          >
            Reload
          </button>
        </div>
      )}
      <ApiErrorAlert
        error={error && !stale && error.fieldProblems.length === 0 && !dated ? error : null}
        className="mt-3"
      />
      {preview.preview && preview.command && (
        <CommandPreview
          preview={preview.preview}
          action={actionOf(preview.command.path)}
          recording={run.isPending}
          onRecord={() => run.mutate(preview.command!)}
          onCancel={preview.close}
        />
      )}
      {success && (
        <p
          role="status"
          className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
        >
          {success}
        </p>
      )}
      {user.status === "forgotten" ? (
        <p className="mt-3 text-sm text-slate-600">
          This user was forgotten: their names and emails are erased from every event, and they accept no change.
        </p>
      ) : (
        <div className="mt-3 space-y-4">
          {user.status === "deactivated" && (
            <p className="text-sm text-slate-600">This user is deactivated: it accepts no change until reactivated.</p>
          )}
          <Field
            label="Why (optional, kept in the audit trail)"
            value={why}
            onChange={setWhy}
            error={fieldError("reason")}
          />
          <EffectiveFromField
            value={effectiveFrom}
            onChange={setEffectiveFrom}
            problem={dated}
            correction={correction}
            onCancelCorrection={() => {
              setEffectiveFrom("");
              setName(user.name);
              setEmail(user.email);
              setReason("");
              onCorrectionEnded?.();
            }}
          />
          {shows("rename") && (
            <OneFieldForm
              id={formId(user.id, "rename")}
              label="Name"
              value={name}
              onChange={setName}
              error={fieldError("name")}
              action="Rename"
              pending={run.isPending || preview.isPending}
              onSubmit={submit({ path: "rename", body: withEffective(withWhy({ name })), done: "Renamed." })}
            />
          )}
          {shows("change-email") && (
            <OneFieldForm
              id={formId(user.id, "change-email")}
              label="Email"
              type="email"
              value={email}
              onChange={setEmail}
              error={fieldError("email")}
              action="Change email"
              pending={run.isPending || preview.isPending}
              onSubmit={submit({
                path: "change-email",
                body: withEffective(withWhy({ email })),
                done: "Email changed.",
              })}
            />
          )}
          {shows("deactivate") && (
            <>
              <label className="block text-sm font-medium text-slate-700">
                Kind of deactivation
                <select
                  value={category}
                  onChange={(event) => setCategory(event.target.value as (typeof deactivationCategories)[number])}
                  className="ml-2 rounded-md border border-slate-300 bg-white px-2 py-1 font-normal"
                >
                  {deactivationCategories.map((kind) => (
                    <option key={kind} value={kind}>
                      {kind}
                    </option>
                  ))}
                </select>
              </label>
              <OneFieldForm
                id={formId(user.id, "deactivate")}
                label="Reason for deactivation"
                value={reason}
                onChange={setReason}
                error={fieldError("reason")}
                action="Deactivate"
                danger
                pending={run.isPending || preview.isPending}
                onSubmit={submit({
                  path: "deactivate",
                  body: withEffective({ reason, category }),
                  done: "Deactivated.",
                })}
              />
            </>
          )}
          {shows("reactivate") && (
            <form
              id={formId(user.id, "reactivate")}
              onSubmit={submit({ path: "reactivate", body: withEffective(withWhy({})), done: "Reactivated." })}
              className="flex justify-end"
              noValidate
            >
              <button
                type="submit"
                disabled={run.isPending || preview.isPending}
                className="rounded-md bg-emerald-600 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-500 disabled:opacity-60"
              >
                Reactivate
              </button>
            </form>
          )}
        </div>
      )}
      {user.status !== "forgotten" && (
        <PersonalData
          userId={user.id}
          pending={run.isPending}
          onForget={() =>
            run.mutate({ path: "forget", body: withWhy({}), done: "Forgotten: their personal data is erased." })
          }
        />
      )}
    </section>
  );
});

/** The data subject's rights: a copy of everything (access), and erasure — asked twice before it happens. */
function PersonalData({ userId, pending, onForget }: { userId: string; pending: boolean; onForget: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="mt-6 border-t border-slate-200 pt-4">
      <h3 className="text-sm font-semibold text-slate-700">Personal data</h3>
      <div className="mt-2 flex flex-wrap items-center gap-3 text-sm">
        <a href={`/api/users/${userId}/export`} download className="text-indigo-700 underline hover:text-indigo-900">
          Export everything (JSON)
        </a>
        {!confirming && (
          <button
            type="button"
            onClick={() => setConfirming(true)}
            className="rounded-md border border-red-300 px-3 py-1.5 font-medium text-red-700 hover:bg-red-50"
          >
            Forget this user…
          </button>
        )}
      </div>
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby={`forget-${userId}`}
          className="mt-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          <p id={`forget-${userId}`}>
            Erase every name and email this user ever had? Their events stay in the log but will read “[erased]”
            everywhere, for good. This cannot be undone.
          </p>
          <div className="mt-3 flex gap-2">
            <button
              type="button"
              disabled={pending}
              onClick={() => {
                setConfirming(false);
                onForget();
              }}
              className="rounded-md bg-red-700 px-3 py-1.5 font-medium text-white hover:bg-red-600 disabled:opacity-60"
            >
              Yes, erase their personal data
            </button>
            <button
              type="button"
              onClick={() => setConfirming(false)}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5"
            >
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

const formId = (userId: string, target: CorrectionTarget) => `${target}-${userId}`;

function OneFieldForm({
  id,
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
  id?: string;
  label: string;
  type?: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  action: string;
  danger?: boolean;
  pending: boolean;
  onSubmit: (event: SubmitEvent) => void;
}) {
  const style = danger
    ? "border border-red-300 bg-white text-red-700 hover:bg-red-50"
    : "bg-indigo-600 text-white hover:bg-indigo-500";
  return (
    <form id={id} onSubmit={onSubmit} className="flex items-end gap-2" noValidate>
      <div className="flex-1">
        <Field label={label} type={type} value={value} onChange={onChange} error={error} />
      </div>
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md px-3 py-2 text-sm font-medium disabled:opacity-60 ${style}`}
      >
        {action}
      </button>
    </form>
  );
}
