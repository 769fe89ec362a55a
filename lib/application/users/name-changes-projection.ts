// Projection "name_changes": every rename, with the name before and after — what the product
// owner's "who changed their name in the past six months" report reads. Beside it, each renamed
// user's latest rename and how many users have their latest rename on each day, so that the report
// counts "users renamed since an instant" from a few hundred day rows instead of every rename.
import type { RecordedEvent } from "../../eventstore";
import type { Projection } from "../../projections/projection";
import { erasedValue, userStreamType, type UserRenamed } from "../../domain/users";
import { holdKeysForWriting } from "./personal-data";

export const nameChangesProjection: Projection = {
  name: "name_changes",
  // 2: name_change_users and name_change_last_days
  version: 2,
  eventTypes: ["user.renamed"],
  tables: ["name_changes", "name_change_users", "name_change_last_days"],
  async apply(tx, batch, table) {
    // The names were decrypted when the batch was read: forgetting may have come since.
    // Only user.renamed events come (eventTypes above).
    const events = (await holdKeysForWriting(tx, batch)) as RecordedEvent<UserRenamed["type"], UserRenamed["data"]>[];
    // One statement: every CTE reads the tables as they were before it, so `latest` compares the
    // batch with the users' latest renames of earlier batches.
    await tx.query(
      `WITH renames AS (
         SELECT * FROM unnest($1::uuid[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::timestamptz[])
           AS r(user_id, version, position, previous_name, name, renamed_at)
       ), inserted AS (
         INSERT INTO "${table("name_changes")}" (user_id, version, position, previous_name, name, renamed_at)
         SELECT * FROM renames
       ), latest AS (
         SELECT r.user_id, max(r.renamed_at) AS last_renamed_at, u.last_renamed_at AS was
           FROM renames r LEFT JOIN "${table("name_change_users")}" u USING (user_id)
          GROUP BY r.user_id, u.last_renamed_at
       ), moved AS (
         SELECT * FROM latest WHERE was IS NULL OR last_renamed_at > was
       ), users AS (
         INSERT INTO "${table("name_change_users")}" (user_id, last_renamed_at) SELECT user_id, last_renamed_at FROM moved
         ON CONFLICT (user_id) DO UPDATE SET last_renamed_at = excluded.last_renamed_at
       ), day_moves AS (
         SELECT (last_renamed_at AT TIME ZONE 'UTC')::date AS day, 1 AS users FROM moved
         UNION ALL
         SELECT (was AT TIME ZONE 'UTC')::date, -1 FROM moved WHERE was IS NOT NULL
       )
       INSERT INTO "${table("name_change_last_days")}" (day, users)
       SELECT day, sum(users) FROM day_moves GROUP BY day
       ON CONFLICT (day) DO UPDATE SET users = "${table("name_change_last_days")}".users + excluded.users`,
      [
        events.map((event) => event.streamId.slice(userStreamType.length + 1)),
        events.map((event) => event.version),
        events.map((event) => event.position),
        events.map((event) => event.data.previousName),
        events.map((event) => event.data.name),
        events.map((event) => event.recordedAt),
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
