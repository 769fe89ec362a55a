"use client";

import { apiFetch } from "@/lib/client/api";

export function SignOutButton() {
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100"
      onClick={async () => {
        await apiFetch("/api/auth/sign-out", { method: "POST" }).catch(() => {});
        window.location.assign("/sign-in");
      }}
    >
      Sign out
    </button>
  );
}
