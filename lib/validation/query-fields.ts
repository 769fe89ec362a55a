// Query parameters several routes share: an instant, a day, and how many items a page holds.
import { z } from "zod";

/**
 * The instants Rewind takes, from 1970-01-01 to the end of 9999. Nothing it records lies outside,
 * and beyond them PostgreSQL (year 0, ±270,000) or ISO 8601's four-digit years give out.
 */
export const earliestInstant = new Date("1970-01-01T00:00:00.000Z");
export const latestInstant = new Date("9999-12-31T23:59:59.999Z");
const outOfRange = "Must lie between 1970-01-01 and 9999-12-31";

export const isInstantInRange = (date: Date) => date >= earliestInstant && date <= latestInstant;

const inRange = (date: Date) => !Number.isNaN(date.getTime()) && isInstantInRange(date);

/** An ISO 8601 instant with its offset, as every query parameter that names a moment takes it. */
export const instant = z.iso
  .datetime({ offset: true, error: "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z" })
  .transform((value) => new Date(value))
  .refine(inRange, outOfRange);

/** A day (2025-01-31), as a string. */
export const day = z.iso
  .date({ error: "Must be a date like 2025-01-31" })
  .refine((value) => inRange(new Date(value)), outOfRange);

/** A day (its start, UTC) or an instant. */
export const dayOrInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: "Must be an ISO 8601 date or instant, like 2025-01-31 or 2025-01-31T12:00:00Z",
  })
  .transform((value) => new Date(value))
  .refine(inRange, outOfRange);

/** `limit`: a whole number from 1 to `max`, `fallback` when absent. */
export function pageLimit(max: number, fallback: number) {
  const message = `Must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
}
