"use client";

import { useState } from "react";
import { Field } from "@/components/field";
import { ApiError, apiFetch, checkedBody } from "@/lib/client/api";
import { signInBody } from "@/lib/validation/auth";
import { sameOriginPath } from "@/lib/validation/return-path";

export function SignInForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await apiFetch("/api/auth/sign-in", { method: "POST", body: checkedBody(signInBody, { email, password }) });
          // A full load, so that every server component renders for the signed-in admin; checked
          // here too, against the real origin, since this is where the browser is sent.
          window.location.assign(sameOriginPath(next, window.location.origin));
        } catch (caught) {
          setError(caught instanceof ApiError ? caught : new ApiError(0, "Error", String(caught)));
          setBusy(false);
        }
      }}
    >
      <Field
        label="Email"
        value={email}
        onChange={setEmail}
        type="email"
        autoComplete="username"
        error={error?.forField("email")}
      />
      <Field
        label="Password"
        value={password}
        onChange={setPassword}
        type="password"
        autoComplete="current-password"
        error={error?.forField("password")}
      />
      {error && error.fieldProblems.length === 0 && (
        <p role="alert" className="text-sm text-red-700">
          {error.detail || error.title}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="w-full rounded-md bg-indigo-600 px-3 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-60"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
