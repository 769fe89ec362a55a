// Stored events are never rewritten: an event recorded in an older shape is turned into today's
// shape as it is read, one version step at a time. Each step is pure and total.
import { userEventSchemaVersions, type UserEventType } from "./events";

type Data = Record<string, unknown>;
type Upcaster = (data: Data) => Data;

/** upcasters[type][n] turns schema version n of `type` into version n + 1. */
const upcasters: Partial<Record<UserEventType, Record<number, Upcaster>>> = {
  "user.deactivated": {
    // Version 1 had only a free-text reason; version 2 classifies it. Old deactivations have no
    // known kind, and saying "unspecified" is truer than guessing one from the text.
    1: (data) => ({ ...data, category: "unspecified" }),
  },
};

export class UnknownSchemaVersion extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
  ) {
    super(`No upcaster from ${type} schema version ${schemaVersion} to ${userEventSchemaVersions[type as UserEventType]}`);
    this.name = "UnknownSchemaVersion";
  }
}

/**
 * The event's data in the current schema version of its type. Events written before schema versions
 * were recorded count as version 1; types other than users' pass through.
 */
export function upcastUserEventData(type: string, schemaVersion: number | undefined, data: Data): Data {
  if (!Object.hasOwn(userEventSchemaVersions, type)) return data;
  const current = userEventSchemaVersions[type as UserEventType];
  let upcast = data;
  for (let version = schemaVersion ?? 1; version < current; version++) {
    const step = upcasters[type as UserEventType]?.[version];
    if (!step) throw new UnknownSchemaVersion(type, version);
    upcast = step(upcast);
  }
  return upcast;
}
