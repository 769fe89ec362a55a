// A fingerprint of every table in the database (its row count and an md5 of its rows), so that a
// test can say "this request changed nothing" about tables it has never heard of: a table added by
// a later migration is covered without editing the test.
import type { Database } from "../db/database";

/**
 * What may legitimately change while the server answers a request it refuses. Each entry is either
 * a list of columns left out of the fingerprint, or "*" for the whole table; each says why.
 */
export const changesOnEveryRequest: Record<string, string[] | "*"> = {
  // Stamped whenever a token authenticates a request — before the request is judged.
  api_tokens: ["last_used_at"],
  // The projection runner stamps it on every poll that finds nothing new: it says when the
  // projection last checked, not what it holds (its position and data stay in the fingerprint).
  projection_checkpoints: ["caught_up_at"],
  // A cache of folds, kept by reads (a read that ends in a refusal, like ?version= past the end,
  // may still have folded the stream). Deleting any row only costs speed; it holds no facts.
  snapshots: "*",
};

export interface TableFingerprints {
  /** The database's clock when the fingerprints were taken. */
  takenAt: string;
  tables: Record<string, { rows: number; digest: string }>;
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

async function tableNames(database: Database): Promise<string[]> {
  const rows = await database.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name).filter((table) => changesOnEveryRequest[table] !== "*");
}

/**
 * Every table's fingerprint in one statement (one snapshot). `idempotent_requests` is fingerprinted
 * only up to `before` when given: a refused command sent with an Idempotency-Key records its refusal
 * there, to replay it to retries (see `idempotentRefusalsSince`).
 */
export async function tableFingerprints(
  database: Database,
  { before }: { before?: string } = {},
): Promise<TableFingerprints> {
  const tables = await tableNames(database);
  const selects = tables.map((table) => {
    const excluded = changesOnEveryRequest[table];
    const row = Array.isArray(excluded)
      ? `(to_jsonb(t) - ARRAY[${excluded.map((c) => `'${c}'`).join(", ")}]::text[])::text`
      : "to_jsonb(t)::text";
    const where = table === "idempotent_requests" && before ? `WHERE t.created_at < $1::timestamptz` : "";
    return `SELECT '${table}' AS name, count(*)::int AS rows, coalesce(md5(string_agg(r, E'\\n' ORDER BY r)), '') AS digest
              FROM (SELECT ${row} AS r FROM ${quote(table)} t ${where}) AS s`;
  });
  const rows = await database.query<{ name: string; rows: number; digest: string; taken_at?: string }>(
    `SELECT name, rows, digest, clock_timestamp()::text AS taken_at FROM (${selects.join(" UNION ALL ")}) AS fingerprints`,
    before ? [before] : [],
  );
  return {
    takenAt: rows[0]?.taken_at ?? new Date().toISOString(),
    tables: Object.fromEntries(rows.map((row) => [row.name, { rows: row.rows, digest: row.digest }])),
  };
}

/** The tables whose fingerprints differ, with their row counts before and after. */
export function changedTables(before: TableFingerprints, after: TableFingerprints): string[] {
  const names = new Set([...Object.keys(before.tables), ...Object.keys(after.tables)]);
  return [...names]
    .filter((name) => before.tables[name]?.digest !== after.tables[name]?.digest)
    .map((name) => `${name} (rows ${before.tables[name]?.rows ?? "none"} → ${after.tables[name]?.rows ?? "none"})`);
}

/** The rows `idempotent_requests` gained since an instant: a refusal may add its own, with its own status. */
export async function idempotentRequestsSince(
  database: Database,
  since: string,
): Promise<{ key: string; status: number }[]> {
  return database.query<{ key: string; status: number }>(
    "SELECT key, status FROM idempotent_requests WHERE created_at >= $1::timestamptz ORDER BY key",
    [since],
  );
}

/**
 * Every sequence's last value, for "nothing was written" to cover what no table shows: a transaction
 * rolled back still advances a sequence (a saved report's id, say).
 */
export async function sequenceValues(database: Database): Promise<Record<string, string | null>> {
  const rows = await database.query<{ name: string; last_value: string | null }>(
    `SELECT sequencename AS name, last_value::text AS last_value FROM pg_sequences
      WHERE schemaname = current_schema() ORDER BY sequencename`,
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.last_value]));
}
