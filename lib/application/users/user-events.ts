// The bridge between the store's recorded events and the domain's: one place that turns one into
// the other (where upcasters of old event versions will sit).
import type { RecordedUserEvent, UserEvent } from "../../domain/users";
import { userEventSchemaVersions } from "../../domain/users";
import type { NewEvent, RecordedEvent } from "../../eventstore";

export function toRecordedUserEvent(event: RecordedEvent): RecordedUserEvent {
  return { type: event.type, data: event.data, version: event.version, recordedAt: event.recordedAt.toISOString() } as RecordedUserEvent;
}

export function toNewEvent(event: UserEvent): NewEvent {
  return { type: event.type, data: event.data, metadata: { schemaVersion: userEventSchemaVersions[event.type] } };
}
