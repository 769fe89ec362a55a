// Projection "name_changes": every rename, with the name before and after, when it was recorded and
// when it took effect — what the product owner's "who changed their name in the past six months"
// report reads, on either axis. Beside it, each renamed user's latest rename on each axis and how
// many users have their latest rename on each day (one table per axis), so that the report counts
// "users renamed since an instant" from a few hundred day rows instead of every rename.
import type { RecordedEvent } from "../../eventstore";
import type { Projection } from "../../projections/projection";
import { erasedValue, userStreamType, type UserRenamed } from "../../domain/users";
import { holdKeysForWriting } from "./personal-data";

export const nameChangesProjection: Projection = {
  name: "name_changes",
  // 2: name_change_users and name_change_last_days; 3: effective time beside recorded time; 4: no
  // rename effective after it was recorded (an application clock ahead of the database's), and
  // renamed_at to the microsecond
  version: 4,
  eventTypes: ["user.renamed"],
  tables: ["name_changes", "name_change_users", "name_change_last_days", "name_change_last_effective_days"],
  async apply(tx, batch, table) {
    // The names were decrypted when the batch was read: forgetting may have come since.
    // Only user.renamed events come (eventTypes above).
    const events = (await holdKeysForWriting(tx, batch)) as RecordedEvent<UserRenamed["type"], UserRenamed["data"]>[];
    // One statement: every CTE reads the tables as they were before it, so `latest` compares the
    // batch with the users' latest renames of earlier batches.
    // A user's latest rename moves on each axis separately: a backdated rename is the latest recorded
    // and yet not the latest effective.
    const lastDays = (days: string, moved: string, last: string, was: string) => `
         INSERT INTO "${table(days)}" (day, users)
         SELECT day, sum(users) FROM (
           SELECT (${last} AT TIME ZONE 'UTC')::date AS day, 1 AS users FROM ${moved}
           UNION ALL
           SELECT (${was} AT TIME ZONE 'UTC')::date, -1 FROM ${moved} WHERE ${was} IS NOT NULL
         ) moves GROUP BY day
         ON CONFLICT (day) DO UPDATE SET users = "${table(days)}".users + excluded.users`;
    await tx.query(
      // When each was recorded, from the log to the microsecond (an event read carries it to the
      // millisecond): the report's "recorded by" compares instants as the fold and the temporal index do.
      `WITH renames AS (
         SELECT r.user_id, r.version, r.position, r.previous_name, r.name, event.recorded_at AS renamed_at, r.effective_at
           FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
                AS r(user_id, version, position, previous_name, name, effective_at, stream_id)
           JOIN events AS event ON event.stream_id = r.stream_id AND event.version = r.version
       ), inserted AS (
         INSERT INTO "${table("name_changes")}" (user_id, version, position, previous_name, name, renamed_at, effective_at)
         SELECT * FROM renames
       ), latest AS (
         SELECT r.user_id, max(r.renamed_at) AS last_renamed_at, u.last_renamed_at AS was,
                max(r.effective_at) AS last_effective_at, u.last_effective_at AS was_effective
           FROM renames r LEFT JOIN "${table("name_change_users")}" u USING (user_id)
          GROUP BY r.user_id, u.last_renamed_at, u.last_effective_at
       ), moved AS (
         SELECT * FROM latest WHERE was IS NULL OR last_renamed_at > was
       ), moved_effective AS (
         SELECT * FROM latest WHERE was_effective IS NULL OR last_effective_at > was_effective
       ), users AS (
         INSERT INTO "${table("name_change_users")}" (user_id, last_renamed_at, last_effective_at)
         SELECT user_id, last_renamed_at, last_effective_at FROM latest
          WHERE user_id IN (SELECT user_id FROM moved UNION SELECT user_id FROM moved_effective)
         ON CONFLICT (user_id) DO UPDATE
           SET last_renamed_at = greatest("${table("name_change_users")}".last_renamed_at, excluded.last_renamed_at),
               last_effective_at = greatest("${table("name_change_users")}".last_effective_at, excluded.last_effective_at)
       ), effective_days AS (${lastDays("name_change_last_effective_days", "moved_effective", "last_effective_at", "was_effective")}
       )${lastDays("name_change_last_days", "moved", "last_renamed_at", "was")}`,
      [
        events.map((event) => event.streamId.slice(userStreamType.length + 1)),
        events.map((event) => event.version),
        events.map((event) => event.position),
        events.map((event) => event.data.previousName),
        events.map((event) => event.data.name),
        events.map((event) => event.data.effectiveAt ?? event.recordedAt),
        events.map((event) => event.streamId),
      ],
    );
  },
  async erase(tx, userId, table) {
    await tx.query(`UPDATE "${table("name_changes")}" SET name = $2, previous_name = $2 WHERE user_id = $1`, [
      userId,
      erasedValue,
    ]);
  },
};
