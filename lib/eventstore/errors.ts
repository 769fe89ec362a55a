// Typed errors of the event store. Each carries a stable `code` that lib/http maps to a status.
import { CodedError } from "../errors";
import type { ExpectedVersion } from "./types";

export type EventStoreErrorCode = "wrong_expected_version" | "invalid_argument" | "unknown_position";

export abstract class EventStoreError extends CodedError<EventStoreErrorCode> {}

/** The stream was not at the version the caller expected: someone else appended first. */
export class WrongExpectedVersion extends EventStoreError {
  readonly code = "wrong_expected_version";
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(`Stream ${streamId} is at version ${actualVersion}, expected ${JSON.stringify(expectedVersion)}`);
    this.name = "WrongExpectedVersion";
  }
}

/** The call itself was malformed; nothing was written. */
export class InvalidEventStoreArgument extends EventStoreError {
  readonly code = "invalid_argument";
  constructor(
    readonly argument: string,
    message: string,
  ) {
    super(`${argument}: ${message}`);
    this.name = "InvalidEventStoreArgument";
  }
}

/** readAll was asked to continue after a position that holds no event. */
export class UnknownPosition extends EventStoreError {
  readonly code = "unknown_position";
  constructor(readonly position: number) {
    super(`No event is recorded at position ${position}`);
    this.name = "UnknownPosition";
  }
}
