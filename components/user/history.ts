// The user's history on the client: the same fold as the server's (lib/domain), computed once per
// loaded history so that any point of the slider is a lookup, not a request.
import { evolve, initialUserState, type RecordedUserEvent, type UserState } from "@/lib/domain/users";
import type { EventView } from "@/lib/application/users/user-queries";

export type UserSnapshot = Exclude<UserState, { status: "unregistered" }>;

export interface History {
  events: EventView[];
  /** snapshots[i] is the user after events[i], i.e. at version i + 1. */
  snapshots: UserSnapshot[];
  times: number[];
}

export function buildHistory(events: EventView[]): History {
  const snapshots: UserSnapshot[] = [];
  let state: UserState = initialUserState;
  for (const event of events) {
    state = evolve(state, {
      type: event.type,
      data: event.data,
      version: event.version,
      recordedAt: event.recordedAt,
    } as RecordedUserEvent);
    if (state.status !== "unregistered") snapshots.push(state);
  }
  return { events, snapshots, times: events.map((event) => Date.parse(event.recordedAt)) };
}

/** The last version recorded at or before `time`, or 0 when none was. */
export function versionAt(history: History, time: number): number {
  let low = 0;
  let high = history.times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (history.times[middle]! <= time) low = middle + 1;
    else high = middle;
  }
  return low;
}

export const comparedFields = [
  ["name", "Name"],
  ["email", "Email"],
  ["status", "Status"],
  ["deactivationReason", "Deactivation reason"],
] as const satisfies readonly (readonly [keyof UserSnapshot, string])[];

export type ComparedField = (typeof comparedFields)[number][0];

/** How a field's value reads on the page: an empty one reads "—". */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Who recorded an event, why, and in which request, as its metadata says ("unknown" without an actor). */
export function auditOf(metadata: Record<string, unknown>): {
  actor: string;
  reason?: string;
  correlation?: string;
  causation?: string;
} {
  const text = (key: string) => (typeof metadata[key] === "string" ? metadata[key] : undefined);
  return {
    actor: text("actor") ?? "unknown",
    reason: text("reason"),
    correlation: text("correlationId"),
    causation: text("causationId"),
  };
}

export function describeEvent(event: EventView): { title: string; before?: string; after?: string } {
  const data = event.data as Record<string, string>;
  switch (event.type) {
    case "user.registered":
      return { title: "Registered", after: `${data.name} <${data.email}>` };
    case "user.renamed":
      return { title: "Renamed", before: data.previousName, after: data.name };
    case "user.email_changed":
      return { title: "Email changed", before: data.previousEmail, after: data.email };
    case "user.password_changed":
      return { title: "Password changed" };
    case "user.deactivated":
      // Deactivations recorded before kinds existed read "unspecified" (upcast from schema version 1).
      return { title: `Deactivated (${data.category})`, after: data.reason };
    case "user.reactivated":
      return { title: "Reactivated" };
    case "user.forgotten":
      return { title: "Forgotten: personal data erased" };
    default:
      return { title: event.type };
  }
}
