// Cohorts: users grouped by the month they registered in, and for each cohort the share still
// active at the start of each later month, from the cohorts projection. A cell counts only events
// recorded before its month began, so "as of" an instant simply leaves out the cells whose month
// had not begun by then: they are exact without reading the log.
import { csvLine } from "./csv";
import { getServices } from "../services";

export interface CohortQuery {
  /** Registration months from `from` (inclusive) to `to` (exclusive), like 2025-03. */
  from: string;
  to: string;
  asOf?: Date;
}

export interface CohortRow {
  cohort: string;
  size: number;
  /** After 1, 2, 3… months: how many of the cohort were active at the start of that month. */
  retention: { months: number; active: number; share: number }[];
}

export async function cohortReport(query: CohortQuery): Promise<CohortRow[]> {
  const { database } = await getServices();
  const instant = query.asOf ?? new Date();
  const rows = await database.query<{ cohort: string; size: number; months: number | null; active: number | null }>(
    `WITH cohorts AS (
       SELECT cohort, count(*)::int AS size FROM cohort_users
        WHERE cohort >= $1::date AND cohort < $2::date AND (cohort + interval '1 month') AT TIME ZONE 'UTC' <= $3::timestamptz
        GROUP BY cohort
     ), cells AS (
       SELECT c.cohort, c.size, k AS months, (c.cohort + make_interval(months => k))::date AS month
         FROM cohorts c CROSS JOIN generate_series(1, 1200) AS k
        WHERE (c.cohort + make_interval(months => k)) AT TIME ZONE 'UTC' <= $3::timestamptz
     )
     SELECT to_char(cells.cohort, 'YYYY-MM') AS cohort, cells.size, cells.months,
            (SELECT coalesce(sum(ch.change), 0) FROM cohort_changes ch WHERE ch.cohort = cells.cohort AND ch.month <= cells.month)::int AS active
       FROM cells ORDER BY cells.cohort, cells.months`,
    [`${query.from}-01`, `${query.to}-01`, instant],
  );
  const cohorts = new Map<string, CohortRow>();
  for (const row of rows) {
    const cohort = cohorts.get(row.cohort) ?? { cohort: row.cohort, size: row.size, retention: [] };
    cohorts.set(row.cohort, cohort);
    if (row.months !== null && row.active !== null)
      cohort.retention.push({
        months: row.months,
        active: row.active,
        share: row.size === 0 ? 0 : row.active / row.size,
      });
  }
  return [...cohorts.values()];
}

export const cohortCsvHeader = ["cohort", "size", "months_later", "active", "share"];

export function cohortCsv(cohorts: CohortRow[]): string {
  return [
    cohortCsvHeader,
    ...cohorts.flatMap((cohort) =>
      cohort.retention.map((cell) => [cohort.cohort, cohort.size, cell.months, cell.active, cell.share.toFixed(4)]),
    ),
  ]
    .map(csvLine)
    .join("");
}
