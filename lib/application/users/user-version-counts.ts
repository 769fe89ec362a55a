// The as-of list's totals in O(days) (docs/decisions/030-totals-of-the-temporal-index.md). Each row
// of user_versions is a rectangle of the two time axes: its state holds at known instant K and
// effective instant T when recorded_from <= K < recorded_to and effective_from <= T < effective_to.
// How many rows of a status hold at (K, T) is a sum over the rectangles' corners, +1 at
// (recorded_from, effective_from) and (recorded_to, effective_to), -1 at the other two, taken over
// the corners with known <= K and effective <= T. Queries never ask beyond what was known (T <= K,
// see indexPoint), so a corner counts at the later of its two instants: the instant of the write that
// made it. Two grains are kept, by exact corner and by day of each axis (UTC); a total is the days
// before K's and T's days, plus the exact corners of those two days.
import type { Database, Statement } from "../../db/database";

/** SQL: the corners of the rows of `relation` (user_versions' columns), with `sign` (+1 written, -1 removed). */
export function cornersOf(relation: string, sign: 1 | -1): string {
  return `SELECT greatest(corner.known_at, corner.effective_at) AS known_at, corner.effective_at, version.status,
                 corner.users * ${sign} AS users
            FROM ${relation} AS version
           CROSS JOIN LATERAL (VALUES (version.recorded_from, version.effective_from, 1),
                                      (version.recorded_to, version.effective_from, -1),
                                      (version.recorded_from, version.effective_to, -1),
                                      (version.recorded_to, version.effective_to, 1)) AS corner(known_at, effective_at, users)
           WHERE corner.known_at IS NOT NULL AND corner.effective_at IS NOT NULL`;
}

/** SQL: the corners of `relation` (known_at, effective_at, status, users) summed at both grains, those that cancel left out. */
function countsOf(relation: string): string {
  return `SELECT grain, known_at, effective_at, status, sum(users)::int AS users
            FROM (SELECT 'instant' AS grain, known_at, effective_at, status, users FROM ${relation}
                  UNION ALL
                  SELECT 'day', date_trunc('day', known_at, 'UTC'), date_trunc('day', effective_at, 'UTC'), status, users
                    FROM ${relation}) AS corner
           GROUP BY grain, known_at, effective_at, status HAVING sum(users) <> 0`;
}

/**
 * SQL: adds the corners of `relation` to the counts. Corners that cancel (a rename ends one active
 * state where the next begins) write nothing, so that only registrations and changes of status touch
 * the counts. Rows are locked in key order: two writers never wait for each other in a cycle.
 */
export function addCorners(relation: string): string {
  return `INSERT INTO user_version_counts (grain, known_at, effective_at, status, users)
          ${countsOf(relation)}
           ORDER BY grain, known_at, effective_at, status
          ON CONFLICT (grain, known_at, effective_at, status) DO UPDATE SET users = user_version_counts.users + EXCLUDED.users`;
}

const statusFilter = { active: "status = 'active'", deactivated: "status = 'deactivated'" } as const;

/**
 * How many users the list holds at a point ([known, effective] instants, effective <= known), of a
 * status or of any: the day rows before both instants' days, and the exact corners of the known
 * instant's day and of the effective instant's day.
 */
export function countUsersAt(point: [string, string], status?: keyof typeof statusFilter): Statement {
  // The days' starts as values, not expressions: the planner then sees how few rows each part reads
  // (with date_trunc in the query it read the effective day's corners through the primary key: all of them).
  const [known, effective] = point;
  const dayOf = (instant: string) => `${instant.slice(0, 10)}T00:00:00Z`;
  return {
    text: `SELECT coalesce(sum(users), 0)::int AS total FROM (
             SELECT status, users FROM user_version_counts
              WHERE grain = 'day' AND known_at < $3::timestamptz AND effective_at < $4::timestamptz
             UNION ALL
             SELECT status, users FROM user_version_counts
              WHERE grain = 'instant' AND known_at >= $3::timestamptz AND known_at <= $1::timestamptz AND effective_at <= $2::timestamptz
             UNION ALL
             SELECT status, users FROM user_version_counts
              WHERE grain = 'instant' AND effective_at >= $4::timestamptz AND effective_at <= $2::timestamptz AND known_at < $3::timestamptz
           ) AS counted${status ? ` WHERE ${statusFilter[status]}` : ""}`,
    values: [known, effective, dayOf(known), dayOf(effective)],
  };
}

/**
 * Compares the counts with the rows of user_versions (a count that cancelled out to 0 is as good as
 * none) and with `repair` rebuilds them, while writers wait: every append writes the counts too.
 * Returns how many counts differed.
 */
export async function checkUserVersionCounts(database: Database, options: { repair: boolean }): Promise<number> {
  const [{ differing } = { differing: 0 }] = await database.query<{ differing: number }>(
    `WITH expected_corner AS (${cornersOf("user_versions", 1)}), expected AS (${countsOf("expected_corner")})
     SELECT count(*)::int AS differing
       FROM expected FULL JOIN (SELECT * FROM user_version_counts WHERE users <> 0) AS stored
         ON (stored.grain, stored.known_at, stored.effective_at, stored.status) = (expected.grain, expected.known_at, expected.effective_at, expected.status)
      WHERE stored.users IS DISTINCT FROM expected.users`,
  );
  if (differing === 0 || !options.repair) return differing;
  await database.transaction(async (tx) => {
    // SHARE: commands wait until the counts are rebuilt from the rows they would change.
    await tx.query("LOCK TABLE user_versions IN SHARE MODE");
    await tx.query("DELETE FROM user_version_counts");
    await tx.query(`WITH expected_corner AS (${cornersOf("user_versions", 1)}) ${addCorners("expected_corner")}`);
  });
  return differing;
}
