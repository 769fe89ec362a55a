// The brute-force model of a user on two time axes, for property tests: keep the events recorded by
// the known instant that took effect by the effective instant, sort them by (effectiveAt, version),
// and let each overwrite what it sets. Deliberately naive: it shares no code with evolve.

/** An event as the API shows it, or as the domain records it: user events' data has effectiveAt once read. */
export interface ModelEvent {
  type: string;
  version: number;
  recordedAt: string;
  data: Record<string, unknown>;
}

export interface ModelUser {
  name: string;
  email: string;
  status: "active" | "deactivated" | "forgotten";
  version: number;
}

const effectiveOf = (event: ModelEvent) =>
  Date.parse(typeof event.data.effectiveAt === "string" ? event.data.effectiveAt : event.recordedAt);

/** The user at effective instant `effectiveAt` as known at `knownAt` (milliseconds), or undefined before registration. */
export function modelUserAt(
  events: readonly ModelEvent[],
  effectiveAt: number,
  knownAt: number,
): ModelUser | undefined {
  const visible = events
    .filter((event) => Date.parse(event.recordedAt) <= knownAt && effectiveOf(event) <= effectiveAt)
    .sort((a, b) => effectiveOf(a) - effectiveOf(b) || a.version - b.version);
  if (visible[0]?.type !== "user.registered") return undefined;
  const user: ModelUser = { name: "", email: "", status: "active", version: 0 };
  for (const event of visible) {
    user.version = Math.max(user.version, event.version);
    if (event.type === "user.registered") Object.assign(user, { name: event.data.name, email: event.data.email });
    if (event.type === "user.renamed") user.name = String(event.data.name);
    if (event.type === "user.email_changed") user.email = String(event.data.email);
    if (event.type === "user.deactivated") user.status = "deactivated";
    if (event.type === "user.reactivated") user.status = "active";
    if (event.type === "user.forgotten")
      Object.assign(user, { status: "forgotten", name: "[erased]", email: "[erased]" });
  }
  return user;
}
