// What every layer's errors share. Each layer types its codes as a union (UserErrorCode,
// EventStoreErrorCode, ApplicationErrorCode, ProjectionErrorCode, the HTTP edge's own) and its errors
// extend CodedError with that union, so a misspelt code does not compile; lib/http/errors.ts maps
// every code to an HTTP problem. This module imports nothing, so that the pure domain and the event
// store may use it too.

/** An error with a stable, machine-readable code from its layer's union. */
export abstract class CodedError<Code extends string = string> extends Error {
  abstract readonly code: Code;
}

/** One field's problem in a refused input: where (`name`, `header If-Match`) and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}
