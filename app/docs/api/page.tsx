import Link from "next/link";
import { ApiReference } from "@/components/api-reference";

export const metadata = { title: "API reference · Rewind" };

// Rendered per request, so that its scripts carry the request's CSP nonce (proxy.ts).
export const dynamic = "force-dynamic";

// Open to anyone, like the document it renders: it describes the API and holds no data.
// A <div>, not <main>: Swagger UI renders its operations in a <main> of its own, and a page has one.
export default function ApiReferencePage() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-8">
      <header className="mb-4 flex items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a fixed-size SVG icon: next/image has nothing to optimise in it */}
          <img src="/icon.svg" alt="" width={28} height={28} />
          <h1 className="text-2xl font-semibold tracking-tight">Rewind API reference</h1>
        </div>
        <div className="flex gap-4 text-sm">
          <a className="text-indigo-700 hover:underline" href="/api/openapi.json">
            openapi.json
          </a>
          <Link className="text-indigo-700 hover:underline" href="/" prefetch={false}>
            Dashboard
          </Link>
        </div>
      </header>
      <p className="mb-4 text-sm text-slate-600">
        Call the API with an API token (<code>Authorization: Bearer rwd_…</code>), created by an admin under API tokens.
      </p>
      <ApiReference />
    </div>
  );
}
