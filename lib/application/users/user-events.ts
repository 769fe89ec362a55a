// The bridge between the store's recorded events and the domain's: one place that turns one into
// the other, and where events stored in an older schema are upcast as the store reads them.
import type { RecordedUserEvent, RegisteredUser, UserEvent, UserState } from "../../domain/users";
import {
  evolve,
  initialUserState,
  latestEffectiveAt,
  upcastUserEventData,
  userEventSchemaVersions,
  userStateAt,
  userStreamId,
} from "../../domain/users";
import type { Statement } from "../../db/database";
import {
  inlineSnapshotsErasure,
  inlineSnapshotStatements,
  type EventStore,
  type Fold,
  type NewEvent,
  type RecordedEvent,
} from "../../eventstore";
import { environment } from "../../env";
import { latestInstant } from "../../validation/query-fields";

export function toRecordedUserEvent(event: RecordedEvent): RecordedUserEvent {
  return {
    type: event.type,
    data: event.data,
    version: event.version,
    recordedAt: event.recordedAt.toISOString(),
  } as RecordedUserEvent;
}

/** Given to the event store: every user event read comes out in its type's current schema. */
export function upcastRecordedEvent(event: RecordedEvent): RecordedEvent {
  const stored = event.metadata.schemaVersion;
  const data = upcastUserEventData(event.type, typeof stored === "number" ? stored : undefined, event.data, {
    recordedAt: event.recordedAt.toISOString(),
  });
  return data === event.data ? event : { ...event, data: data as RecordedEvent["data"] };
}

export function toNewEvent(event: UserEvent): NewEvent {
  return { type: event.type, data: event.data, metadata: { schemaVersion: userEventSchemaVersions[event.type] } };
}

/**
 * The user fold as the store runs it, with snapshots every REWIND_SNAPSHOT_EVERY versions. Raise the
 * snapshot version whenever evolve or UserState changes shape.
 */
export const userFold: Fold<UserState> = {
  initialState: initialUserState,
  evolve: (state, event) => evolve(state, toRecordedUserEvent(event)),
  snapshots: { name: "user", version: 4, every: environment().snapshotEvery },
};

/**
 * The user at effective instant `effectiveAt` as known at `knownAt`: by default every event recorded,
 * whatever this process's clock says (the database's, which records them, may be ahead of it).
 */
export async function userEffectiveAt(
  store: EventStore,
  streamId: string,
  effectiveAt: string,
  knownAt?: Date,
): Promise<UserState> {
  const events = await store.readStream(streamId, knownAt ? { until: knownAt } : {});
  return userStateAt(events.map(toRecordedUserEvent), {
    effectiveAt,
    knownAt: (knownAt ?? latestInstant).toISOString(),
  });
}

// Later than any instant a clock gives (so a fold comparing instants takes it), and in the shape of
// one: where it ends up in a state is where the append fills in the instant it records at.
const notYetRecordedAt = latestInstant.toISOString();

/** New events as the fold will see them: numbered after `version`, recorded later than anything known. */
export function notYetRecorded(events: readonly UserEvent[], version: number): RecordedUserEvent[] {
  return events.map((event, index) => ({ ...event, version: version + index + 1, recordedAt: notYetRecordedAt }));
}

const instantPaths = [
  ["createdAt"],
  ["updatedAt"],
  ...(["name", "email", "password", "status"] as const).map((part) => ["effectiveSince", part]),
] as const;

/**
 * The latest instant the user's state holds: when their last event was recorded, or when a change
 * dated by the caller took effect, which the caller's clock may put after the database's. Read
 * back, an event takes effect at its recording instant, so only one recorded after all of these
 * takes effect in every part, as the placeholder did.
 */
function latestInstantOf(state: RegisteredUser): Date {
  return new Date(Math.max(Date.parse(state.updatedAt), Date.parse(latestEffectiveAt(state))));
}

/**
 * The user's state after `events` (decided on `before`, at `version`), kept by their append as the
 * fold's snapshot (decision 031): the next command on the user folds that one row. None for events
 * dated by the caller (effectiveAt), whose place among the others only the whole stream tells; an
 * erasure deletes every snapshot of the user instead.
 */
export function snapshotAfter(
  userId: string,
  before: UserState,
  version: number,
  events: readonly UserEvent[],
): Statement[] {
  const { snapshots } = userFold;
  if (!snapshots || events.length === 0 || events.some((event) => event.data.effectiveAt !== undefined)) return [];
  const state = notYetRecorded(events, version).reduce(evolve, before);
  if (state.status === "unregistered") return [];
  // Forgotten: every snapshot of the user goes with the erasure's own event (forget's clean-up deletes them again).
  if (state.status === "forgotten") return [inlineSnapshotsErasure(userStreamId(userId))];
  const recordedAtPaths = instantPaths.filter(
    (path) => path.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], state) === notYetRecordedAt,
  );
  return inlineSnapshotStatements({
    streamId: userStreamId(userId),
    snapshots,
    state,
    version: version + events.length,
    recordedAtPaths,
    recordedAfter: before.status === "unregistered" ? undefined : latestInstantOf(before),
  });
}
