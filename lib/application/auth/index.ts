// Signing in and out, and the process-wide sign-in limiter.
import type { Queryable } from "../../db/database";
import { recordAdminAction } from "./admin-actions";
import { adminWithPassword } from "./admins";
import { createSignInLimiter, type SignInLimiter } from "./sign-in-limiter";
import { startSession, type NewSession } from "./sessions";

export { actorOf, type Principal } from "./principal";

const globalForLimiter = globalThis as unknown as { rewindSignInLimiter?: SignInLimiter };
const limiter = (globalForLimiter.rewindSignInLimiter ??= createSignInLimiter());

export class InvalidCredentials extends Error {
  readonly code = "invalid_credentials";
  constructor() {
    super("The email or password is wrong");
    this.name = "InvalidCredentials";
  }
}

export class TooManySignInAttempts extends Error {
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
  clientAddress: string,
  correlationId: string,
): Promise<NewSession & { email: string }> {
  const keys = [`email:${email.trim().toLowerCase()}`, `address:${clientAddress}`];
  const wait = limiter.retryAfter(keys);
  if (wait > 0) throw new TooManySignInAttempts(Math.ceil(wait / 1000));
  const admin = await adminWithPassword(database, email, password);
  if (!admin) {
    limiter.failed(keys);
    throw new InvalidCredentials();
  }
  limiter.succeeded([keys[0]!]);
  const session = await startSession(database, admin.id);
  await recordAdminAction({ adminId: admin.id, email: admin.email }, { type: "admin.signed_in", data: {} }, correlationId);
  return { ...session, email: admin.email };
}
