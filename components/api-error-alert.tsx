import type { ApiError } from "@/lib/client/api";

/** What the API said went wrong, for an action that failed (not a form field). */
export function ApiErrorAlert({ error, className = "" }: { error: ApiError | null; className?: string }) {
  if (!error) return null;
  return (
    <p
      role="alert"
      className={`rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 ${className}`}
    >
      {error.detail || error.title}
    </p>
  );
}
