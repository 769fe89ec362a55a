// "Who changed their name": users with at least one rename in a window, read from the name_changes
// projection (never by scanning the event log), optionally as the report would have read at an
// earlier instant. The window is on the time axis the query names (decision 023): by default when
// the renames took effect, or when they were recorded; the report's instant is always a recorded one
// (what Rewind knew by then).
import { getServices } from "../services";
import { csvCellSql } from "./csv";
import { latestInstant } from "../../validation/query-fields";

export const nameChangeSorts = ["current_name", "renames", "first_rename", "last_rename"] as const;
export type NameChangeSort = (typeof nameChangeSorts)[number];

export const nameChangeBases = ["effective", "recorded"] as const;
export type NameChangeBasis = (typeof nameChangeBases)[number];

export interface NameChangeQuery {
  /** The time axis of the window: when a rename took effect, or when it was recorded. */
  basis: NameChangeBasis;
  /** The window: renames at or after `from` and strictly before `to`. */
  from: Date;
  to: Date;
  /** The report as it would have read at this instant (only renames recorded by then count). */
  asOf?: Date;
  sort: NameChangeSort;
  order: "asc" | "desc";
  page: number;
  limit: number;
}

export interface NameChangeRow {
  userId: string;
  /** The user's name at the report's instant (now, or asOf). */
  currentName: string;
  renames: number;
  /** The first and last rename in the window, on the query's axis. */
  firstRenameAt: string;
  lastRenameAt: string;
  /** The name before the window's first rename, then each new name in order. */
  names: string[];
}

const sortColumns: Record<NameChangeSort, string> = {
  current_name: "current_name",
  renames: "renames",
  first_rename: "first_rename_at",
  last_rename: "last_rename_at",
};

/** The projection's columns for one time axis. */
interface Axis {
  /** A rename's instant on the axis. */
  at: string;
  /** The renames of one user in their order on the axis. */
  order: string;
  /** A user's latest rename on the axis (name_change_users). */
  userLast: string;
  /** How many users have their latest rename on each day of the axis. */
  lastDays: string;
}

const axes: Record<NameChangeBasis, Axis> = {
  // By effective time, the renames fold in the order of (effectiveAt, version) (decision 023): a
  // backdated rename comes before the later-effective ones, and today's name is the latest effective.
  effective: {
    at: "effective_at",
    order: "effective_at, version",
    userLast: "last_effective_at",
    lastDays: "name_change_last_effective_days",
  },
  recorded: {
    at: "renamed_at",
    order: "version",
    userLast: "last_renamed_at",
    lastDays: "name_change_last_days",
  },
};

/** Renames in the window on the axis ($1 from, $2 to) and recorded by the report's instant ($3). */
const windowFilter = (axis: Axis) => `${axis.at} >= $1 AND ${axis.at} < $2 AND renamed_at <= $3`;

/** The rows of the report, in the requested order; $1 from, $2 to, $3 the report's instant. */
function reportSql(query: Pick<NameChangeQuery, "sort" | "order" | "basis">, { onlyUsers = false } = {}): string {
  const direction = query.order === "asc" ? "ASC" : "DESC";
  const axis = axes[query.basis];
  return `
WITH in_window AS (
  SELECT user_id, version, previous_name, name, renamed_at, effective_at FROM name_changes
   WHERE ${windowFilter(axis)} ${onlyUsers ? "AND user_id = ANY($4::uuid[])" : ""}
), per_user AS (
  SELECT user_id, count(*)::int AS renames, min(${axis.at}) AS first_rename_at, max(${axis.at}) AS last_rename_at,
         (array_agg(previous_name ORDER BY ${axis.order}))[1] AS name_before,
         array_agg(name ORDER BY ${axis.order}) AS new_names
    FROM in_window GROUP BY user_id
), named AS (
  -- The current name, on either axis, is the user's as Rewind knew them at the report's instant: the
  -- latest-effective rename recorded by then (the fold's order, decision 023), even when the window
  -- reaches that instant: a later version can take effect earlier (backdated, or recorded out of
  -- time order by an import) and so fall before the window.
  SELECT p.*, (SELECT n.name FROM name_changes n
                WHERE n.user_id = p.user_id AND n.renamed_at <= $3
                ORDER BY n.effective_at DESC, n.version DESC LIMIT 1) AS current_name
    FROM per_user p
)
SELECT user_id, current_name, renames, first_rename_at, last_rename_at, name_before, new_names
  FROM named
 ORDER BY ${sortColumns[query.sort]} ${direction}, user_id ${direction}`;
}

interface ReportRow extends Record<string, unknown> {
  user_id: string;
  current_name: string;
  renames: number;
  first_rename_at: Date;
  last_rename_at: Date;
  name_before: string;
  new_names: string[];
}

const toRow = (row: ReportRow): NameChangeRow => ({
  userId: row.user_id,
  currentName: row.current_name,
  renames: row.renames,
  firstRenameAt: row.first_rename_at.toISOString(),
  lastRenameAt: row.last_rename_at.toISOString(),
  names: [row.name_before, ...row.new_names],
});

// Without asOf, as known now: every rename recorded, whatever this process's clock says.
const instantOf = (query: Pick<NameChangeQuery, "asOf">) => query.asOf ?? latestInstant;

/**
 * The first `count` users in order of their last rename in the window, newest first: the first
 * occurrences in a scan of the window's renames from the latest down (an index range, read only as
 * far as needed) — instead of aggregating every rename of the window.
 */
async function usersByLastRename(axis: Axis, values: unknown[], count: number): Promise<string[]> {
  const { database } = await getServices();
  for (let scan = count * 8; ; scan *= 4) {
    const rows = await database.query<{ user_id: string }>(
      `SELECT user_id FROM name_changes WHERE ${windowFilter(axis)} ORDER BY ${axis.at} DESC, user_id DESC LIMIT $4`,
      [...values, scan],
    );
    const users = [...new Set(rows.map((row) => row.user_id))];
    if (users.length >= count || rows.length < scan) return users.slice(0, count);
  }
}

/**
 * How many users were renamed in the window ($1 from, $2 to, $3 the report's instant) without
 * aggregating the window's renames: a user was renamed in it when their latest rename is at or after
 * `from` on the axis — summed from whole days of the axis' last-days table plus the first day's part —
 * unless none of their renames is in the window: possible only when that latest one is after the
 * window or recorded after the report's instant (only users renamed after it, usually none).
 */
const totalSql = (axis: Axis) => `
WITH first_day AS (
  SELECT ($1::timestamptz AT TIME ZONE 'UTC')::date AS day, (($1::timestamptz AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC' AS ends
)
SELECT ((SELECT coalesce(sum(users), 0) FROM ${axis.lastDays} d WHERE d.day > (SELECT day FROM first_day))
      + (SELECT count(*) FROM name_change_users WHERE ${axis.userLast} >= $1 AND ${axis.userLast} < (SELECT ends FROM first_day))
      - (SELECT count(*) FROM name_change_users u
          WHERE (u.${axis.userLast} >= $2 OR u.last_renamed_at > $3) AND u.${axis.userLast} >= $1
            AND NOT EXISTS (SELECT 1 FROM name_changes n WHERE n.user_id = u.user_id AND ${windowFilter(axis)}))
       )::int AS total`;

/** The default view (latest renames first) on its first pages takes the fast path above. */
const fastPages = 20;

export async function nameChangesPage(query: NameChangeQuery): Promise<{ items: NameChangeRow[]; total: number }> {
  const { database } = await getServices();
  const values = [query.from, query.to, instantOf(query)];
  const offset = (query.page - 1) * query.limit;
  const axis = axes[query.basis];
  const rows = async () => {
    if (query.sort !== "last_rename" || query.order !== "desc" || query.page > fastPages) {
      return database.query<ReportRow>(`${reportSql(query)} LIMIT ${query.limit} OFFSET ${offset}`, values);
    }
    const users = (await usersByLastRename(axis, values, offset + query.limit)).slice(offset);
    return users.length === 0
      ? []
      : database.query<ReportRow>(reportSql(query, { onlyUsers: true }), [...values, users]);
  };
  const [items, [count]] = await Promise.all([rows(), database.query<{ total: number }>(totalSql(axis), values)]);
  return { items: items.map(toRow), total: count?.total ?? 0 };
}

export const nameChangesCsvHeader = [
  "user_id",
  "current_name",
  "renames",
  "first_rename_at",
  "last_rename_at",
  "names",
];

/** As JavaScript's toISOString writes it (both drop the microseconds). */
const isoInstant = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Each row of the report as one CSV line, formatted by the database: a large export then costs the
 * server a string per row instead of parsing six typed columns. */
const csvLinesSql = (query: Pick<NameChangeQuery, "sort" | "order" | "basis">) => `
SELECT concat_ws(',', user_id::text, ${csvCellSql("current_name")}, renames::text, ${isoInstant("first_rename_at")},
                 ${isoInstant("last_rename_at")}, ${csvCellSql("array_to_string(name_before || new_names, ' → ')")}) || E'\r\n' AS line
  FROM (${reportSql(query)}) report`;

/**
 * The CSV export, a batch of lines at a time: one query read through a cursor, so a large report is
 * computed once and never held in memory whole.
 */
export async function streamNameChangesCsv(
  query: Omit<NameChangeQuery, "page" | "limit">,
  onLines: (lines: string) => Promise<void> | void,
  batchSize = 5000,
): Promise<void> {
  const { database } = await getServices();
  await database.transaction(async (tx) => {
    // The whole result is read: plan for all of it (not the first rows, a cursor's default), and
    // sort it in memory rather than on disk.
    await tx.exec("SET LOCAL cursor_tuple_fraction = 1; SET LOCAL work_mem = '64MB'");
    await tx.query(`DECLARE name_changes_export NO SCROLL CURSOR FOR ${csvLinesSql(query)}`, [
      query.from,
      query.to,
      instantOf(query),
    ]);
    for (;;) {
      const rows = await tx.query<{ line: string }>(`FETCH ${batchSize} FROM name_changes_export`);
      if (rows.length > 0) await onLines(rows.map((row) => row.line).join(""));
      if (rows.length < batchSize) break;
    }
  });
}
