// Argument checks for the event store: a malformed call is refused before anything is written.
import { InvalidEventStoreArgument } from "./errors";
import type { JsonValue, NewEvent } from "./types";

const maxVersion = 2_147_483_647;

export function checkStreamId(streamId: unknown): string {
  if (typeof streamId !== "string" || streamId.trim() === "" || streamId.length > 255) {
    throw new InvalidEventStoreArgument("streamId", "must be a non-empty string of at most 255 characters");
  }
  return streamId;
}

/** The range the stream's current version must fall in for the append to go ahead. */
export function checkExpectedVersion(expected: unknown): [min: number, max: number] {
  if (expected === "any") return [0, maxVersion];
  if (expected === "no_stream") return [0, 0];
  if (expected === "stream_exists") return [1, maxVersion];
  if (typeof expected === "number" && Number.isInteger(expected) && expected >= 0 && expected <= maxVersion) {
    return [expected, expected];
  }
  throw new InvalidEventStoreArgument(
    "expectedVersion",
    `must be a whole number >= 0, "no_stream", "stream_exists" or "any"; got ${String(expected)}`,
  );
}

export function checkEvents(events: unknown): NewEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreArgument("events", "must be a non-empty array");
  }
  events.forEach((event, index) => {
    if (typeof event !== "object" || event === null) {
      throw new InvalidEventStoreArgument(`events[${index}]`, "must be an object with type and data");
    }
    const { type, data, metadata, recordedAt } = event as Record<string, unknown>;
    checkInstant(`events[${index}].recordedAt`, recordedAt);
    if (typeof type !== "string" || type.trim() === "" || type.length > 255) {
      throw new InvalidEventStoreArgument(
        `events[${index}].type`,
        "must be a non-empty string of at most 255 characters",
      );
    }
    if (!isPlainObject(data)) {
      throw new InvalidEventStoreArgument(`events[${index}].data`, "must be a plain JSON object");
    }
    checkJson(data, `events[${index}].data`);
    if (metadata !== undefined) {
      if (!isPlainObject(metadata))
        throw new InvalidEventStoreArgument(`events[${index}].metadata`, "must be a plain JSON object");
      checkJson(metadata, `events[${index}].metadata`);
    }
  });
  return events as NewEvent[];
}

export function checkVersionBound(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > maxVersion) {
    throw new InvalidEventStoreArgument(name, "must be a whole number >= 0");
  }
  return value;
}

export function checkInstant(name: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidEventStoreArgument(name, "must be a valid Date");
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

// PostgreSQL's jsonb refuses NUL characters and unpaired surrogates that JSON.stringify lets through.
function checkString(value: string, path: string): void {
  if (value.includes("\u0000") || !value.isWellFormed()) {
    throw new InvalidEventStoreArgument(path, "contains a NUL character or an unpaired surrogate");
  }
}

/**
 * Accepts exactly what survives a JSON round trip unchanged (undefined object members aside, which
 * JSON drops by definition): no functions, symbols, bigints, non-finite numbers, dates, class
 * instances, sparse arrays or cycles.
 */
export function checkJson(value: unknown, path: string, seen = new Set<object>()): asserts value is JsonValue {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") return checkString(value, path);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidEventStoreArgument(path, "is not a finite number");
    return;
  }
  if (typeof value !== "object") throw new InvalidEventStoreArgument(path, `a ${typeof value} is not JSON`);
  if (seen.has(value)) throw new InvalidEventStoreArgument(path, "is circular");
  seen.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!(index in value) || value[index] === undefined) {
        throw new InvalidEventStoreArgument(`${path}[${index}]`, "is undefined, which JSON cannot hold");
      }
      checkJson(value[index], `${path}[${index}]`, seen);
    }
  } else if (isPlainObject(value)) {
    for (const [key, member] of Object.entries(value)) {
      checkString(key, `${path}.${key}`);
      if (member !== undefined) checkJson(member, `${path}.${key}`, seen);
    }
  } else {
    throw new InvalidEventStoreArgument(path, `a ${value.constructor?.name ?? "non-plain object"} is not plain JSON`);
  }
  seen.delete(value);
}
