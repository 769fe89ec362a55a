import { Suspense } from "react";
import { ReportsView } from "@/components/reports/reports-view";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function ReportsPage() {
  await requireSignedIn();
  return (
    <section aria-labelledby="reports-title" className="space-y-4">
      <div>
        <h1 id="reports-title" className="text-2xl font-semibold">
          Reports
        </h1>
        <p className="mt-1 text-slate-600">
          Answers from the whole event log — including history recorded before a report existed.
        </p>
      </div>
      <Suspense fallback={<div className="h-96 animate-pulse rounded-lg bg-slate-200" />}>
        <ReportsView />
      </Suspense>
    </section>
  );
}
