"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type SubmitEvent } from "react";
import { ApiError, apiFetch, checkedBody } from "@/lib/client/api";
import { registerUserBody } from "@/lib/validation/users";
import type { UserView } from "@/lib/application/users/user-view";
import { Field } from "../field";

export function CreateUserForm() {
  const [open, setOpen] = useState(false);
  const [fields, setFields] = useState({ name: "", email: "", password: "" });
  const router = useRouter();
  const queryClient = useQueryClient();
  const titleId = useId();
  const create = useMutation<UserView, ApiError, typeof fields>({
    mutationFn: async (input) =>
      (await apiFetch<UserView>("/api/users", { method: "POST", body: checkedBody(registerUserBody, input) })).body,
    onSuccess: async (user) => {
      await queryClient.invalidateQueries({ queryKey: ["users"] });
      setOpen(false);
      setFields({ name: "", email: "", password: "" });
      router.push(`/users/${user.id}`);
    },
  });
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    create.mutate(fields);
  };
  const error = create.error;

  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500"
      >
        New user
      </button>
    );
  }
  return (
    <section aria-labelledby={titleId} className="w-full rounded-lg border border-indigo-200 bg-white p-4 shadow-sm">
      <h2 id={titleId} className="mb-3 font-semibold">
        New user
      </h2>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" noValidate>
        <Field
          label="Name"
          value={fields.name}
          onChange={(name) => setFields({ ...fields, name })}
          error={error?.forField("name")}
          autoComplete="name"
        />
        <Field
          label="Email"
          type="email"
          value={fields.email}
          onChange={(email) => setFields({ ...fields, email })}
          error={error?.forField("email")}
          autoComplete="email"
        />
        <Field
          label="Password"
          type="password"
          value={fields.password}
          onChange={(password) => setFields({ ...fields, password })}
          error={error?.forField("password")}
          autoComplete="new-password"
        />
        {error && error.fieldProblems.length === 0 && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-3">
            {error.detail || error.title}
          </p>
        )}
        <div className="flex gap-2 sm:col-span-3">
          <button
            type="submit"
            disabled={create.isPending}
            className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
          >
            {create.isPending ? "Creating…" : "Create user"}
          </button>
          <button
            type="button"
            onClick={() => setOpen(false)}
            className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100"
          >
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
