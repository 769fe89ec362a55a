// The environment variables Rewind reads at start-up, parsed with zod in one place. An invalid value
// stops the start with the variable named; unset DATABASE_URL means the embedded PGlite database.
import path from "node:path";
import { z } from "zod";

type Env = Record<string, string | undefined>;

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
  REWIND_SNAPSHOT_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  REWIND_MAX_SAVED_REPORTS: z.coerce.number().int().min(0).max(1000).default(20),
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

export interface Environment {
  database: DatabaseConfig;
  /** Keep a snapshot of a stream's folded state every this many versions. */
  snapshotEvery: number;
  /** How many saved reports may be defined (each is a projection kept current over the whole log). */
  maxSavedReports: number;
}

export function parseEnvironment(env: Env = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const variables = parsed.data;
  if (variables.DATABASE_REPLICA_URL && !variables.DATABASE_URL) {
    throw new Error(
      "Invalid configuration: DATABASE_REPLICA_URL: a replica needs DATABASE_URL (the embedded database has none)",
    );
  }
  return {
    database: {
      url: variables.DATABASE_URL,
      replicaUrl: variables.DATABASE_REPLICA_URL,
      dataDir: path.resolve(variables.REWIND_DATA_DIR),
      poolSize: variables.DATABASE_POOL_SIZE,
      demoUsers: variables.REWIND_DEMO_USERS,
    },
    snapshotEvery: variables.REWIND_SNAPSHOT_EVERY,
    maxSavedReports: variables.REWIND_MAX_SAVED_REPORTS,
  };
}

/** The database to open, from `env` (CLIs pass their own overrides). */
export function databaseConfigFromEnvironment(env: Env = process.env): DatabaseConfig {
  return parseEnvironment(env).database;
}

let processEnvironment: Environment | undefined;

/** This process's environment, parsed on first use. */
export function environment(): Environment {
  processEnvironment ??= parseEnvironment();
  return processEnvironment;
}
