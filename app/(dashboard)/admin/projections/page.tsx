import { projectionViews } from "@/lib/application/projections";
import { ProjectionsTable } from "@/components/admin/projections-table";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function ProjectionsPage() {
  await requireSignedIn();
  const initial = await projectionViews();
  return (
    <section aria-labelledby="projections-title" className="space-y-4">
      <div>
        <h1 id="projections-title" className="text-2xl font-semibold">
          Projections
        </h1>
        <p className="mt-1 text-slate-600">
          Read models built from the event log after the fact. A rebuild replays every event into a fresh copy and swaps
          it in.
        </p>
      </div>
      <ProjectionsTable initial={initial} />
    </section>
  );
}
