import { Suspense } from "react";
import { AuditView } from "@/components/events/audit-view";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function AuditPage() {
  await requireSignedIn();
  return (
    <section aria-labelledby="audit-title" className="space-y-4">
      <div>
        <h1 id="audit-title" className="text-2xl font-semibold">
          Audit trail
        </h1>
        <p className="mt-1 text-slate-600">
          What each admin and API token did, and when — sign-ins and token changes included — read straight from the
          event log.
        </p>
      </div>
      <Suspense fallback={<div className="h-96 animate-pulse rounded-lg bg-slate-200" />}>
        <AuditView />
      </Suspense>
    </section>
  );
}
