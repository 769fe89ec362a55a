// Errors of the application layer (beyond the domain's and the store's), each with its code.

export class EmailTaken extends Error {
  readonly code = "email_taken";
  constructor(readonly email: string) {
    super(`Another user already uses ${email}`);
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
