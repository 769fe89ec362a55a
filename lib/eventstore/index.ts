export { createEventStore, type AppendOptions, type EventStore, type EventStoreOptions } from "./event-store";
export { EventStoreError, InvalidEventStoreArgument, UnknownPosition, WrongExpectedVersion } from "./errors";
export { createEventNotifier, eventsChannel, type EventNotifier } from "./notifications";
export type * from "./types";
