import { Suspense } from "react";
import { EventExplorer } from "@/components/events/event-explorer";
import { requireSignedIn } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";

export default async function EventsPage() {
  await requireSignedIn();
  return (
    <section aria-labelledby="events-title" className="space-y-4">
      <div>
        <h1 id="events-title" className="text-2xl font-semibold">
          Events
        </h1>
        <p className="mt-1 text-slate-600">
          The log itself, newest first. Open an event to see its data and metadata as the API gives them, and its user
          at that version.
        </p>
      </div>
      <Suspense fallback={<div className="h-96 animate-pulse rounded-lg bg-slate-200" />}>
        <EventExplorer />
      </Suspense>
    </section>
  );
}
