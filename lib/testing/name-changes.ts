// The name_changes projection (its renames, each renamed user's latest rename on both time axes, and
// the users per day of their latest rename on each) as a brute-force query over the raw log would
// have it, and as it is.
import { decryptPersonalData } from "../application/users/personal-data";
import type { Queryable } from "../db/database";
import { toRecordedEvent, type EventRow } from "../eventstore";

/** An instant in SQL as text to the microsecond: compared so, the projection's recorded instants must be exact. */
const exactInstant = (sql: string) => `to_char(${sql} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A rename's effective instant in SQL: its effectiveAt, else its recorded time to the millisecond —
 * never later than that (decision 032).
 */
const effectiveAt =
  "least(coalesce((data->>'effectiveAt')::timestamptz, date_trunc('milliseconds', recorded_at)), date_trunc('milliseconds', recorded_at))";

export const nameChangesByBruteForce = async (database: Queryable) => {
  const rows = await database.query<EventRow & { recorded_exactly: string }>(
    `SELECT *, ${exactInstant("recorded_at")} AS recorded_exactly FROM events
      WHERE type = 'user.renamed' ORDER BY substring(stream_id from 6)::uuid, version`,
  );
  // The names are encrypted in the log: read them as the store does.
  const renames = await decryptPersonalData(database, rows.map(toRecordedEvent));
  return {
    renames: renames.map((event, index) => ({
      user_id: event.streamId.slice(5),
      version: event.version,
      position: event.position,
      previous_name: event.data.previousName,
      name: event.data.name,
      renamed_at: rows[index]!.recorded_exactly,
      // An event without effectiveAt took effect when recorded (to the millisecond, as the API shows it),
      // and none later than that.
      effective_at:
        typeof event.data.effectiveAt === "string"
          ? new Date(Math.min(Date.parse(event.data.effectiveAt), event.recordedAt.getTime()))
          : event.recordedAt,
    })),
    users: await database.query(
      `SELECT substring(stream_id from 6)::uuid AS user_id, ${exactInstant("max(recorded_at)")} AS last_renamed_at,
            max(${effectiveAt}) AS last_effective_at
       FROM events WHERE type = 'user.renamed' GROUP BY 1 ORDER BY 1`,
    ),
    lastDays: await database.query(
      `SELECT (last_renamed_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS users
       FROM (SELECT max(recorded_at) AS last_renamed_at FROM events WHERE type = 'user.renamed' GROUP BY stream_id) latest
      GROUP BY 1 ORDER BY 1`,
    ),
    lastEffectiveDays: await database.query(
      `SELECT (last_effective_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS users
       FROM (SELECT max(${effectiveAt}) AS last_effective_at FROM events WHERE type = 'user.renamed' GROUP BY stream_id) latest
      GROUP BY 1 ORDER BY 1`,
    ),
  };
};

export const nameChangesProjected = async (database: Queryable) => ({
  renames: await database.query(
    `SELECT user_id, version, position, previous_name, name, ${exactInstant("renamed_at")} AS renamed_at, effective_at
       FROM name_changes ORDER BY user_id, version`,
  ),
  users: await database.query(
    `SELECT user_id, ${exactInstant("last_renamed_at")} AS last_renamed_at, last_effective_at
       FROM name_change_users ORDER BY user_id`,
  ),
  // Days whose users all moved on to a later rename stay as zero rows.
  lastDays: await database.query("SELECT day, users FROM name_change_last_days WHERE users <> 0 ORDER BY day"),
  lastEffectiveDays: await database.query(
    "SELECT day, users FROM name_change_last_effective_days WHERE users <> 0 ORDER BY day",
  ),
});
