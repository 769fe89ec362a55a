// Query parameters several routes share: an instant, and how many items a page holds.
import { z } from "zod";

/** An ISO 8601 instant with its offset, as every query parameter that names a moment takes it. */
export const instant = z.iso
  .datetime({ offset: true, error: "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z" })
  .transform((value) => new Date(value));

/** `limit`: a whole number from 1 to `max`, `fallback` when absent. */
export function pageLimit(max: number, fallback: number) {
  const message = `Must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(1, message).max(max, message).default(fallback);
}
