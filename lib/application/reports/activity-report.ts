// Activity over time: registrations, renames, email changes and deactivations per day, week or
// month, summed from the activity_daily projection. As of an earlier instant, the days before it
// come from the projection and the part of its own day up to it from the event log (indexed by
// type and time): a few rows, never a scan of history.
import { csvLine } from "./csv";
import { getServices } from "../services";
import { activitySeries, type ActivitySeriesName } from "../users/activity-projection";

export type Bucket = "day" | "week" | "month";

export interface ActivityQuery {
  /** Days from `from` (inclusive) to `to` (exclusive), UTC dates. */
  from: string;
  to: string;
  bucket: Bucket;
  asOf?: Date;
}

export type ActivityPoint = { start: string } & Record<ActivitySeriesName, number>;

const seriesNames = Object.values(activitySeries);

function emptyPoint(start: string): ActivityPoint {
  return { start, registrations: 0, renames: 0, emailChanges: 0, deactivations: 0 };
}

export async function activityReport(
  query: ActivityQuery,
): Promise<{ points: ActivityPoint[]; totals: Record<ActivitySeriesName, number> }> {
  const { database } = await getServices();
  const asOfDay = query.asOf?.toISOString().slice(0, 10);
  // Whole days from the projection (before the as-of day, if any).
  const lastWholeDay = asOfDay && asOfDay < query.to ? asOfDay : query.to;
  const [buckets, daily, partial] = await Promise.all([
    database.query<{ start: string }>(
      `SELECT to_char(b, 'YYYY-MM-DD') AS start
         FROM generate_series(date_trunc($3, $1::date), ($2::date - 1)::timestamp, ('1 ' || $3)::interval) AS b`,
      [query.from, query.to, query.bucket],
    ),
    database.query<{ start: string; type: string; count: number }>(
      `SELECT to_char(date_trunc($3, day), 'YYYY-MM-DD') AS start, type, sum(count)::int AS count
         FROM activity_daily WHERE day >= $1::date AND day < $2::date
        GROUP BY 1, 2`,
      [query.from, lastWholeDay, query.bucket],
    ),
    asOfDay && asOfDay >= query.from && asOfDay < query.to
      ? database.query<{ start: string; type: string; count: number }>(
          `SELECT to_char(date_trunc($3, $1::date), 'YYYY-MM-DD') AS start, type, count(*)::int AS count
             FROM events WHERE type = ANY($4::text[]) AND recorded_at >= $1::date AND recorded_at <= $2
            GROUP BY type`,
          [asOfDay, query.asOf, query.bucket, Object.keys(activitySeries)],
        )
      : Promise.resolve([]),
  ]);
  const points = new Map(buckets.map(({ start }) => [start, emptyPoint(start)]));
  for (const row of [...daily, ...partial]) {
    const series = activitySeries[row.type as keyof typeof activitySeries];
    const point = points.get(row.start);
    if (series && point) point[series] += row.count;
  }
  const totals = Object.fromEntries(seriesNames.map((name) => [name, 0])) as Record<ActivitySeriesName, number>;
  for (const point of points.values()) for (const name of seriesNames) totals[name] += point[name];
  return { points: [...points.values()], totals };
}

export const activityCsvHeader = ["start", ...seriesNames];

export function activityCsv(points: ActivityPoint[]): string {
  return [activityCsvHeader, ...points.map((point) => [point.start, ...seriesNames.map((name) => point[name])])]
    .map(csvLine)
    .join("");
}
