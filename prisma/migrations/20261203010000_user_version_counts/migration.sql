-- The as-of list's totals in O(days), not O(users) (docs/decisions/030-totals-of-the-temporal-index.md).
-- Every row of user_versions is a rectangle on the two time axes: its state holds at known instant K
-- and effective instant T when recorded_from <= K < recorded_to and effective_from <= T < effective_to.
-- How many rows of a status hold at (K, T) is a sum over the rectangles' corners: +1 at
-- (recorded_from, effective_from) and (recorded_to, effective_to), -1 at (recorded_to, effective_from)
-- and (recorded_from, effective_to), summed over the corners with known <= K and effective <= T. A
-- query never asks beyond what was known (T <= K), so a corner's known instant is counted as the
-- later of its two, the instant the write that made it happened. Kept twice: by exact corner
-- ('instant') and summed by day of each axis ('day', UTC). A total is the days before K's and T's
-- days, plus the exact corners of those two days.
CREATE TABLE "user_version_counts" (
    "grain" TEXT NOT NULL,
    "known_at" TIMESTAMPTZ(6) NOT NULL,
    "effective_at" TIMESTAMPTZ(6) NOT NULL,
    "status" TEXT NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "user_version_counts_pkey" PRIMARY KEY ("grain","known_at","effective_at","status")
);

-- CreateIndex
CREATE INDEX "user_version_counts_effective_idx" ON "user_version_counts"("grain", "effective_at", "known_at", "status", "users");

-- Not expressible in schema.prisma.
ALTER TABLE "user_version_counts" ADD CONSTRAINT "user_version_counts_grain_check" CHECK ("grain" IN ('instant', 'day'));

-- The rows written so far, counted (the same rules as lib/application/users/user-version-counts.ts).
WITH corner AS (
  SELECT greatest(corner.known_at, corner.effective_at) AS known_at, corner.effective_at, version.status, corner.users
    FROM "user_versions" AS version
   CROSS JOIN LATERAL (VALUES (version.recorded_from, version.effective_from, 1),
                              (version.recorded_to, version.effective_from, -1),
                              (version.recorded_from, version.effective_to, -1),
                              (version.recorded_to, version.effective_to, 1)) AS corner(known_at, effective_at, users)
   WHERE corner.known_at IS NOT NULL AND corner.effective_at IS NOT NULL
)
INSERT INTO "user_version_counts" ("grain", "known_at", "effective_at", "status", "users")
SELECT 'instant', known_at, effective_at, status, sum(users) FROM corner GROUP BY known_at, effective_at, status HAVING sum(users) <> 0
UNION ALL
SELECT 'day', date_trunc('day', known_at, 'UTC'), date_trunc('day', effective_at, 'UTC'), status, sum(users)
  FROM corner GROUP BY 2, 3, status HAVING sum(users) <> 0;

ANALYZE "user_version_counts";

-- The totals no longer count user_versions' rows: their partial indexes only slowed every append.
DROP INDEX "user_versions_registered_idx";
DROP INDEX "user_versions_inactive_idx";
