// Errors of the application layer (beyond the domain's and the store's), each with its code.
import { CodedError } from "../errors";

export type ApplicationErrorCode =
  | "email_taken"
  | "precondition_failed"
  | "user_not_found"
  | "not_found"
  | "invalid_credentials"
  | "too_many_attempts"
  | "token_not_found"
  | "idempotency_key_reused"
  | "idempotent_request_in_progress"
  | "saved_report_not_found"
  | "saved_report_limit_reached";

export abstract class ApplicationError extends CodedError<ApplicationErrorCode> {}

export class EmailTaken extends ApplicationError {
  readonly code = "email_taken";
  // The message becomes the answer's detail, and answers are kept for replays under any caller's
  // Idempotency-Key: it must not name the other user's address (the caller sent it anyway).
  constructor(readonly email: string) {
    super("Another user already uses this email address");
    this.name = "EmailTaken";
  }
}

/** If-Match named a version the user is no longer at. */
export class PreconditionFailed extends ApplicationError {
  readonly code = "precondition_failed";
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `You edited version ${expectedVersion}, but the user is now at version ${actualVersion}: reload and try again`,
    );
    this.name = "PreconditionFailed";
  }
}

export class NotFound extends ApplicationError {
  readonly code = "user_not_found";
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
  }
}

export class SavedReportNotFound extends ApplicationError {
  readonly code = "saved_report_not_found";
  constructor(id: string, message = `There is no saved report ${JSON.stringify(id).slice(0, 80)}`) {
    super(message);
    this.name = "SavedReportNotFound";
  }
}

/** Each saved report is a projection kept current on every append: their number is capped. */
export class SavedReportLimitReached extends ApplicationError {
  readonly code = "saved_report_limit_reached";
  constructor(limit: number) {
    super(`At most ${limit} saved reports (REWIND_MAX_SAVED_REPORTS): delete one first`);
    this.name = "SavedReportLimitReached";
  }
}
