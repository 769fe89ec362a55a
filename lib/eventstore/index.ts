export { createEventStore, type AppendOptions, type EventStore } from "./event-store";
export { EventStoreError, InvalidEventStoreArgument, UnknownPosition, WrongExpectedVersion } from "./errors";
export type * from "./types";
