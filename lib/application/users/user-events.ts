// The bridge between the store's recorded events and the domain's: one place that turns one into
// the other, and where events stored in an older schema are upcast as the store reads them.
import type { RecordedUserEvent, UserEvent, UserState } from "../../domain/users";
import { evolve, initialUserState, upcastUserEventData, userEventSchemaVersions } from "../../domain/users";
import type { Fold, NewEvent, RecordedEvent } from "../../eventstore";
import { environment } from "../../env";

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
  snapshots: { name: "user", version: 3, every: environment().snapshotEvery },
};
