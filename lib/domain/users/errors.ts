// Typed domain errors: each carries a stable code; lib/http maps codes to HTTP statuses.
import { CodedError, type FieldProblem } from "../../errors";

export type UserErrorCode =
  | "validation_failed"
  | "user_not_found"
  | "user_already_registered"
  | "user_deactivated"
  | "user_forgotten"
  | "effective_before_registration"
  | "effective_history_conflict";

export abstract class UserDomainError extends CodedError<UserErrorCode> {}

export class UserValidationFailed extends UserDomainError {
  readonly code = "validation_failed";
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((problem) => `${problem.path}: ${problem.message}`).join("; "));
    this.name = "UserValidationFailed";
  }
}

export class UserNotFound extends UserDomainError {
  readonly code = "user_not_found";
  constructor(readonly userId: string) {
    super(`User ${userId} does not exist`);
    this.name = "UserNotFound";
  }
}

export class UserAlreadyRegistered extends UserDomainError {
  readonly code = "user_already_registered";
  constructor(readonly userId: string) {
    super(`User ${userId} is already registered`);
    this.name = "UserAlreadyRegistered";
  }
}

export class UserIsDeactivated extends UserDomainError {
  readonly code = "user_deactivated";
  constructor(readonly userId: string) {
    super(`User ${userId} is deactivated: reactivate the user first`);
    this.name = "UserIsDeactivated";
  }
}

export class UserIsForgotten extends UserDomainError {
  readonly code = "user_forgotten";
  constructor(readonly userId: string) {
    super(`User ${userId} was forgotten: their personal data is erased and they accept no change`);
    this.name = "UserIsForgotten";
  }
}

export class EffectiveBeforeRegistration extends UserDomainError {
  readonly code = "effective_before_registration";
  constructor(
    readonly userId: string,
    readonly effectiveAt: string,
    readonly registeredAt: string,
  ) {
    super(
      `User ${userId} was registered at ${registeredAt}: no change of theirs can take effect earlier, at ${effectiveAt}`,
    );
    this.name = "EffectiveBeforeRegistration";
  }
}

/** A backdated change would leave a later-effective event of the user's history against the rules. */
export class EffectiveHistoryConflict extends UserDomainError {
  readonly code = "effective_history_conflict";
  constructor(
    readonly userId: string,
    readonly effectiveAt: string,
    readonly conflictingVersion: number,
    why: string,
  ) {
    super(`Effective at ${effectiveAt}, this change would come before version ${conflictingVersion}, which ${why}`);
    this.name = "EffectiveHistoryConflict";
  }
}
