export {
  createEventStore,
  toRecordedEvent,
  type AppendOptions,
  type EventRow,
  type EventStore,
  type EventStoreOptions,
  type FoldCompanion,
} from "./event-store";
export { inlineSnapshotsErasure, inlineSnapshotStatements, type InlineSnapshot } from "./inline-snapshot";
export { EventStoreError, InvalidEventStoreArgument, UnknownPosition, WrongExpectedVersion } from "./errors";
export { createEventNotifier, eventsChannel, type EventNotifier } from "./notifications";
export type * from "./types";
