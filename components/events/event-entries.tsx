"use client";

import Link from "next/link";
import { useId, useState } from "react";
import type { EventView } from "@/lib/application/users/user-queries";
import { userIdPattern } from "@/lib/validation/users";
import { AbsoluteTime, RelativeTime } from "../relative-time";

/** The user a stream holds, when it is a user's stream. */
function userIdOf(streamId: string): string | undefined {
  const id = streamId.startsWith("user-") ? streamId.slice("user-".length) : undefined;
  return id && userIdPattern.test(id) ? id : undefined;
}

const actorOf = (event: EventView) => (typeof event.metadata.actor === "string" ? event.metadata.actor : "unknown");

function EventEntry({ event, highlighted }: { event: EventView; highlighted: boolean }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const userId = userIdOf(event.streamId);
  return (
    <li className={highlighted ? "bg-indigo-50" : undefined} data-position={event.position}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={detailsId}
        onClick={() => setOpen((was) => !was)}
        className="flex w-full flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2 text-left text-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600"
      >
        <span aria-hidden className="w-3 text-slate-600">
          {open ? "▾" : "▸"}
        </span>
        <span className="font-mono tabular-nums text-slate-600">#{event.position}</span>
        <span className="font-medium text-slate-900">{event.type}</span>
        <span className="min-w-0 break-all text-slate-700">
          {event.streamId} <span className="text-slate-600">v{event.version}</span>
        </span>
        <span className="min-w-0 break-all text-slate-600">{actorOf(event)}</span>
        <RelativeTime iso={event.recordedAt} className="ml-auto whitespace-nowrap text-slate-600" />
      </button>
      {open && (
        <div id={detailsId} className="space-y-3 border-t border-slate-100 bg-slate-50 px-3 py-3 text-sm">
          <p className="text-slate-700">
            Recorded <AbsoluteTime iso={event.recordedAt} /> · position {event.position} · version {event.version} of{" "}
            <span className="break-all">{event.streamId}</span>
            {userId && (
              <>
                {" · "}
                <Link
                  href={`/users/${userId}?version=${event.version}`}
                  className="font-medium text-indigo-700 underline"
                >
                  The user at version {event.version}
                </Link>
              </>
            )}
          </p>
          <dl className="grid gap-3 md:grid-cols-2">
            {(["data", "metadata"] as const).map((part) => (
              <div key={part} className="min-w-0">
                <dt className="mb-1 font-medium text-slate-700">{part === "data" ? "Data" : "Metadata"}</dt>
                <dd>
                  <pre className="overflow-x-auto rounded-md border border-slate-200 bg-white p-2 text-xs text-slate-800">
                    {JSON.stringify(event[part], null, 2)}
                  </pre>
                </dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </li>
  );
}

/**
 * Events as a list, each opening to its data and metadata exactly as the API gave them (decrypted,
 * redacted as every reader sees them), with a link to its user at that version.
 */
export function EventEntries({
  events,
  label,
  highlight,
}: {
  events: EventView[];
  label: string;
  highlight?: ReadonlySet<number>;
}) {
  return (
    <ol aria-label={label} className="divide-y divide-slate-100">
      {events.map((event) => (
        <EventEntry key={event.position} event={event} highlighted={highlight?.has(event.position) ?? false} />
      ))}
    </ol>
  );
}
