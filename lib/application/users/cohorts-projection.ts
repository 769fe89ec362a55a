// Projection "cohorts": users grouped by the month they registered in, and for each cohort how many
// of its users became active (+1) or inactive (-1) — deactivated, reactivated, forgotten — with
// effect from the start of each later month. A cohort's active users at the start of month B are
// then the sum of its changes up to B: a few rows per cohort, whatever the size of the log.
import type { Projection } from "../../projections/projection";
import { userStreamType } from "../../domain/users";

/** The first day of the month after the instant's: the first month start a change recorded then counts at. */
export function nextMonthStart(instant: Date): string {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

const monthStart = (instant: Date) =>
  new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1)).toISOString().slice(0, 10);

const activeAfter: Record<string, boolean> = {
  "user.registered": true,
  "user.reactivated": true,
  "user.deactivated": false,
  "user.forgotten": false,
};

export const cohortsProjection: Projection = {
  name: "cohorts",
  version: 1,
  eventTypes: Object.keys(activeAfter),
  tables: ["cohort_users", "cohort_changes"],
  async apply(tx, events, table) {
    const userIds = [...new Set(events.map((event) => event.streamId.slice(userStreamType.length + 1)))];
    const known = await tx.query<{ user_id: string; cohort: string; active: boolean }>(
      `SELECT user_id, to_char(cohort, 'YYYY-MM-DD') AS cohort, active FROM "${table("cohort_users")}" WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    const users = new Map(known.map((row) => [row.user_id, { cohort: row.cohort, active: row.active }]));
    const changes = new Map<string, number>();
    for (const event of events) {
      const userId = event.streamId.slice(userStreamType.length + 1);
      const active = activeAfter[event.type]!;
      let user = users.get(userId);
      if (event.type === "user.registered") {
        user = { cohort: monthStart(event.recordedAt), active: false };
        users.set(userId, user);
      }
      if (!user || user.active === active) continue;
      user.active = active;
      const key = `${user.cohort}|${nextMonthStart(event.recordedAt)}`;
      changes.set(key, (changes.get(key) ?? 0) + (active ? 1 : -1));
    }
    const touched = userIds.filter((userId) => users.has(userId));
    if (touched.length > 0)
      await tx.query(
        `INSERT INTO "${table("cohort_users")}" (user_id, cohort, active)
         SELECT * FROM unnest($1::uuid[], $2::date[], $3::boolean[])
         ON CONFLICT (user_id) DO UPDATE SET active = EXCLUDED.active`,
        [
          touched,
          touched.map((userId) => users.get(userId)!.cohort),
          touched.map((userId) => users.get(userId)!.active),
        ],
      );
    const entries = [...changes].map(([key, change]) => [...key.split("|"), change] as [string, string, number]);
    if (entries.length > 0)
      await tx.query(
        `INSERT INTO "${table("cohort_changes")}" AS changes (cohort, month, change)
         SELECT * FROM unnest($1::date[], $2::date[], $3::int[])
         ON CONFLICT (cohort, month) DO UPDATE SET change = changes.change + EXCLUDED.change`,
        [entries.map((entry) => entry[0]), entries.map((entry) => entry[1]), entries.map((entry) => entry[2])],
      );
  },
};
