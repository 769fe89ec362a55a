// How a user is shown outside: never with its password hash.
import type { UserState, UserStatus } from "../../domain/users";

export interface UserView {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function viewOfState(state: Exclude<UserState, { status: "unregistered" }>): UserView {
  const { id, name, email, status, version, createdAt, updatedAt } = state;
  return { id, name, email, status, version, createdAt, updatedAt };
}

export const redactedPassword = "[redacted]";

/** Event data as shown outside: password hashes replaced. */
export function redactEventData(data: Record<string, unknown>): Record<string, unknown> {
  return "passwordHash" in data ? { ...data, passwordHash: redactedPassword } : data;
}
