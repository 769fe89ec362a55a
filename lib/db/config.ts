// Environment variables, parsed once. Unset DATABASE_URL means the embedded PGlite database.
import path from "node:path";
import { z } from "zod";

/** A PostgreSQL server's URL; unset or empty means none. */
const postgresUrl = z
  .string()
  .trim()
  .min(1)
  .refine((url) => /^postgres(ql)?:\/\//.test(url), "must be a postgres:// or postgresql:// URL")
  .optional()
  .or(z.literal("").transform(() => undefined));

const environmentSchema = z.object({
  DATABASE_URL: postgresUrl,
  DATABASE_REPLICA_URL: postgresUrl,
  REWIND_DATA_DIR: z.string().trim().min(1).default(path.join(".data", "pglite")),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
  REWIND_DEMO_USERS: z.coerce.number().int().min(0).max(1_000_000).default(200),
});

export type DatabaseConfig = {
  /** A PostgreSQL server, or undefined for embedded PGlite. */
  url: string | undefined;
  /** A streaming replica of `url` that read-only queries may use (docs/SCALING.md), or undefined. */
  replicaUrl: string | undefined;
  /** Where embedded PGlite keeps its files. */
  dataDir: string;
  poolSize: number;
  /** Demo users generated on the first start of an empty embedded database (0: none). */
  demoUsers: number;
};

export function databaseConfigFromEnvironment(env: Record<string, string | undefined> = process.env): DatabaseConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  if (parsed.data.DATABASE_REPLICA_URL && !parsed.data.DATABASE_URL) {
    throw new Error("Invalid configuration: DATABASE_REPLICA_URL: a replica needs DATABASE_URL (the embedded database has none)");
  }
  return {
    url: parsed.data.DATABASE_URL,
    replicaUrl: parsed.data.DATABASE_REPLICA_URL,
    dataDir: path.resolve(parsed.data.REWIND_DATA_DIR),
    poolSize: parsed.data.DATABASE_POOL_SIZE,
    demoUsers: parsed.data.REWIND_DEMO_USERS,
  };
}
