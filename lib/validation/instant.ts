// An ISO 8601 instant with its offset, as every query parameter that names a moment takes it.
import { z } from "zod";

export const instant = z.iso
  .datetime({ offset: true, error: "Must be an ISO 8601 instant like 2025-01-31T12:00:00Z" })
  .transform((value) => new Date(value));
