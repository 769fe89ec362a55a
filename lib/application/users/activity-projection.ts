// Projection "activity_daily": per UTC day and event type, how many of the events the activity
// report charts were recorded.
import type { Projection } from "../../projections/projection";

/** The event types the activity report counts, and the name of each series. */
export const activitySeries = {
  "user.registered": "registrations",
  "user.renamed": "renames",
  "user.email_changed": "emailChanges",
  "user.deactivated": "deactivations",
} as const;

export type ActivitySeriesName = (typeof activitySeries)[keyof typeof activitySeries];

export const activityProjection: Projection = {
  name: "activity_daily",
  version: 1,
  eventTypes: Object.keys(activitySeries),
  tables: ["activity_daily"],
  async apply(tx, events, table) {
    const counts = new Map<string, number>();
    for (const event of events) {
      const key = `${event.recordedAt.toISOString().slice(0, 10)}|${event.type}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const entries = [...counts].map(([key, count]) => [...key.split("|"), count] as [string, string, number]);
    await tx.query(
      `INSERT INTO "${table("activity_daily")}" AS daily (day, type, count)
       SELECT * FROM unnest($1::date[], $2::text[], $3::int[])
       ON CONFLICT (day, type) DO UPDATE SET count = daily.count + EXCLUDED.count`,
      [entries.map((entry) => entry[0]), entries.map((entry) => entry[1]), entries.map((entry) => entry[2])],
    );
  },
};
