// The bridge between the store's recorded events and the domain's: one place that turns one into
// the other (where upcasters of old event versions will sit).
import type { RecordedUserEvent, UserEvent, UserState } from "../../domain/users";
import { evolve, initialUserState, userEventSchemaVersions } from "../../domain/users";
import type { Fold, NewEvent, RecordedEvent } from "../../eventstore";
import { settings } from "../settings";

export function toRecordedUserEvent(event: RecordedEvent): RecordedUserEvent {
  return { type: event.type, data: event.data, version: event.version, recordedAt: event.recordedAt.toISOString() } as RecordedUserEvent;
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
  snapshots: { name: "user", version: 1, every: settings.snapshotEvery },
};
