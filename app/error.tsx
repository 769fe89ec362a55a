"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-8 text-center shadow-sm">
      <h1 className="text-xl font-semibold text-red-800">Something went wrong</h1>
      <p className="mt-2 text-slate-600">
        The page could not be shown{error.digest ? ` (reference ${error.digest})` : ""}.
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700"
      >
        Try again
      </button>
    </div>
  );
}
