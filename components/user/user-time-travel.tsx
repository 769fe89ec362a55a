"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useMemo, useState, useSyncExternalStore } from "react";
import { apiFetch } from "@/lib/client/api";
import type { EventView } from "@/lib/application/users/user-queries";
import type { UserView } from "@/lib/application/users/user-view";
import { StatusBadge } from "../status-badge";
import { userStreamId } from "@/lib/domain/users";
import { fieldProvenance } from "./field-provenance";
import { buildHistory } from "./history";
import { TimeTravelSlider } from "./time-travel-slider";
import type { InitialPoint } from "./time-travel-state";
import { useTimeTravel } from "./use-time-travel";
import { UserCommands } from "./user-commands";
import { DiffView } from "./user-diff";
import { UserStateCard } from "./user-state-card";
import { Timeline } from "./user-timeline";
import { TwoAxesPicture } from "./two-axes-picture";
import type { Correction } from "./two-axes";
import { useLiveEvents } from "../use-live-events";

export interface UserPageData {
  user: UserView;
  events: EventView[];
}

async function loadUserPage(id: string): Promise<UserPageData> {
  const [user, events] = await Promise.all([
    apiFetch<UserView>(`/api/users/${id}`),
    apiFetch<{ items: EventView[] }>(`/api/users/${id}/events`),
  ]);
  return { user: user.body, events: events.body.items };
}

const subscribeToNothing = () => () => {};

/** The user page: the state at the slider's point, the slider, the diff, the commands and the timeline. */
export function UserTimeTravel({
  id,
  initialData,
  initialPoint,
}: {
  id: string;
  initialData: UserPageData;
  initialPoint: InitialPoint;
}) {
  const query = useQuery({ queryKey: ["user", id], queryFn: () => loadUserPage(id), initialData });
  const { user, events } = query.data;
  const history = useMemo(() => buildHistory(events), [events]);
  const provenance = useMemo(() => fieldProvenance(history), [history]);
  const travel = useTimeTravel(history, initialPoint);
  // The event a person chose to correct on the timeline: its form opens at the event's effective instant.
  const [correction, setCorrection] = useState<Correction | null>(null);
  const endCorrection = useCallback(() => setCorrection(null), []);
  // Marks the page interactive (hydrated), for tests and benchmarks that must not act before.
  const interactive = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );

  const { refetch } = query;
  // Another admin (or service) changed this user: load its new events.
  useLiveEvents(
    useCallback(
      (live) => {
        if (live.some((event) => event.streamId === userStreamId(id))) void refetch();
      },
      [id, refetch],
    ),
  );

  return (
    <div className="space-y-6" data-interactive={interactive || undefined}>
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/" className="text-indigo-700 underline hover:text-indigo-900">
          Users
        </Link>
        <span className="text-slate-500"> / </span>
        <span className="text-slate-600">{user.name}</span>
      </nav>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="break-all text-2xl font-semibold">{user.name}</h1>
        <StatusBadge status={user.status} />
        <span className="break-all text-sm text-slate-500">{user.email}</span>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <UserStateCard
            history={history}
            provenance={provenance}
            shownVersion={travel.shownVersion}
            point={travel.point}
            onSelect={travel.selectVersion}
          />
          <TimeTravelSlider history={history} travel={travel} />
          <TwoAxesPicture
            history={history}
            axes={travel.axes}
            end={travel.knownRange.max}
            cross={
              travel.mode === "time" ? { known: travel.knownAt ?? travel.knownRange.max, effective: travel.time } : null
            }
          />
          <DiffView history={history} latest={travel.latest} />
          <UserCommands user={user} onChanged={refetch} correction={correction} onCorrectionEnded={endCorrection} />
        </div>

        <Timeline
          history={history}
          selection={travel.selection}
          onSelect={travel.selectVersion}
          onCorrect={user.status === "forgotten" ? undefined : setCorrection}
        />
      </div>
    </div>
  );
}
