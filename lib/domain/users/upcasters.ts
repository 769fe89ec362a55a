// Stored events are never rewritten: an event recorded in an older shape is turned into today's
// shape as it is read, one version step at a time. Each step is pure and total.
import { userEventSchemaVersions, type UserEventType } from "./events";

type Data = Record<string, unknown>;
/** What a step may need besides the data: when the event was recorded (ISO 8601). */
type Recorded = { recordedAt: string };
type Upcaster = (data: Data, recorded: Recorded) => Data;

// Until effectiveAt existed, every change took effect when it was recorded.
const effectiveWhenRecorded: Upcaster = (data, { recordedAt }) => ({ ...data, effectiveAt: recordedAt });

/** upcasters[type][n] turns schema version n of `type` into version n + 1. */
const upcasters: Record<UserEventType, Record<number, Upcaster>> = {
  "user.registered": { 1: effectiveWhenRecorded },
  "user.renamed": { 1: effectiveWhenRecorded },
  "user.email_changed": { 1: effectiveWhenRecorded },
  "user.password_changed": { 1: effectiveWhenRecorded },
  "user.deactivated": {
    // Version 1 had only a free-text reason; version 2 classifies it. Old deactivations have no
    // known kind, and saying "unspecified" is truer than guessing one from the text.
    1: (data) => ({ ...data, category: "unspecified" }),
    2: effectiveWhenRecorded,
  },
  "user.reactivated": { 1: effectiveWhenRecorded },
  "user.forgotten": { 1: effectiveWhenRecorded },
};

export class UnknownSchemaVersion extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(
      `No upcaster from ${type} schema version ${schemaVersion} to ${userEventSchemaVersions[type as UserEventType]}`,
    );
    this.name = "UnknownSchemaVersion";
  }
}

/**
 * The event's data in the current schema version of its type, with its effective instant always
 * there: a change written without one took effect when it was recorded. Nothing takes effect after
 * it was recorded either: an effectiveAt later than the recording (a change dated "now" by an
 * application clock ahead of the database's) reads as the recording instant, as the temporal index
 * has it. Events written before schema versions were recorded count as version 1; types other than
 * users' pass through.
 */
export function upcastUserEventData(
  type: string,
  schemaVersion: number | undefined,
  data: Data,
  recorded: Recorded,
): Data {
  if (!Object.hasOwn(userEventSchemaVersions, type)) return data;
  const current = userEventSchemaVersions[type as UserEventType];
  let upcast = data;
  for (let version = schemaVersion ?? 1; version < current; version++) {
    const step = upcasters[type as UserEventType][version];
    if (!step) throw new UnknownSchemaVersion(type, version);
    upcast = step(upcast, recorded);
  }
  const effectiveAt = typeof upcast.effectiveAt === "string" ? Date.parse(upcast.effectiveAt) : NaN;
  return effectiveAt <= Date.parse(recorded.recordedAt) ? upcast : effectiveWhenRecorded(upcast, recorded);
}
