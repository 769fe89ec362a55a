import { getEventLogSummary } from "@/lib/application/event-log-summary";
import { StatCard } from "@/components/stat-card";

// Reads the live database on every request.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const summary = await getEventLogSummary();
  return (
    <section aria-labelledby="home-title" className="space-y-6">
      <div>
        <h1 id="home-title" className="text-2xl font-semibold">
          Event log
        </h1>
        <p className="mt-1 text-slate-600">
          Every change is an immutable event; everything else is derived from this log.
        </p>
      </div>
      <dl className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Events recorded" value={summary.eventCount.toLocaleString("en")} />
        <StatCard label="Streams" value={summary.streamCount.toLocaleString("en")} />
        <StatCard label="Database" value={summary.backend === "pglite" ? "Embedded PGlite" : "PostgreSQL"} />
      </dl>
    </section>
  );
}
