// Settings of the application layer, from the environment, parsed once.
import { z } from "zod";

const settingsSchema = z.object({
  REWIND_SNAPSHOT_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  REWIND_MAX_SAVED_REPORTS: z.coerce.number().int().min(0).max(1000).default(20),
});

export const settings = (() => {
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return { snapshotEvery: parsed.data.REWIND_SNAPSHOT_EVERY, maxSavedReports: parsed.data.REWIND_MAX_SAVED_REPORTS };
})();
