// Errors of the application layer (beyond the domain's and the store's), each with its code.

export class EmailTaken extends Error {
  readonly code = "email_taken";
  // The message becomes the answer's detail, and answers are kept for replays under any caller's
  // Idempotency-Key: it must not name the other user's address (the caller sent it anyway).
  constructor(readonly email: string) {
    super("Another user already uses this email address");
    this.name = "EmailTaken";
  }
}

/** If-Match named a version the user is no longer at. */
export class PreconditionFailed extends Error {
  readonly code = "precondition_failed";
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`You edited version ${expectedVersion}, but the user is now at version ${actualVersion}: reload and try again`);
    this.name = "PreconditionFailed";
  }
}

export class NotFound extends Error {
  readonly code = "user_not_found";
  constructor(message: string) {
    super(message);
    this.name = "NotFound";
  }
}

export class SavedReportNotFound extends Error {
  readonly code = "saved_report_not_found";
  constructor(id: string) {
    super(`There is no saved report ${JSON.stringify(id).slice(0, 80)}`);
    this.name = "SavedReportNotFound";
  }
}

/** Each saved report is a projection kept current on every append: their number is capped. */
export class SavedReportLimitReached extends Error {
  readonly code = "saved_report_limit_reached";
  constructor(limit: number) {
    super(`At most ${limit} saved reports (REWIND_MAX_SAVED_REPORTS): delete one first`);
    this.name = "SavedReportLimitReached";
  }
}
