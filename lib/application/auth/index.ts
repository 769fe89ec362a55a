// Signing in and out, within the sign-in limits every server process shares.
import type { Queryable } from "../../db/database";
import { ApplicationError } from "../errors";
import { recordAdminAction } from "./admin-actions";
import { adminWithPassword } from "./admins";
import { countSignInAttempt, forgetSignInAttempts } from "./sign-in-limiter";
import { startSession, type NewSession } from "./sessions";

export { actorOf, type Principal } from "./principal";

export class InvalidCredentials extends ApplicationError {
  readonly code = "invalid_credentials";
  constructor() {
    super("The email or password is wrong");
    this.name = "InvalidCredentials";
  }
}

export class TooManySignInAttempts extends ApplicationError {
  readonly code = "too_many_attempts";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins: try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`);
    this.name = "TooManySignInAttempts";
  }
}

export async function signIn(
  database: Queryable,
  email: string,
  password: string,
  /** Only an address a trusted proxy reported; undefined otherwise (the email alone is limited). */
  clientAddress: string | undefined,
  correlationId: string,
): Promise<NewSession & { email: string }> {
  const wait = await countSignInAttempt(database, { email, address: clientAddress });
  if (wait > 0) throw new TooManySignInAttempts(Math.ceil(wait / 1000));
  const admin = await adminWithPassword(database, email, password);
  if (!admin) throw new InvalidCredentials();
  await forgetSignInAttempts(database, email);
  const session = await startSession(database, admin.id);
  await recordAdminAction(
    { adminId: admin.id, email: admin.email },
    { type: "admin.signed_in", data: {} },
    correlationId,
  );
  return { ...session, email: admin.email };
}
