-- The temporal index of users gains the effective axis (docs/decisions/025-effective-axis-of-the-temporal-index.md):
-- each row is a rectangle, a state of the user during an interval of recorded time (what Rewind knew)
-- and an interval of effective time (when it held in the world). The rows written so far hold only
-- the recorded axis and are deleted: names are encrypted in the log, so SQL cannot rebuild them; the
-- server rebuilds the index at its next start (or `npm run db:user-versions -- --repair`).
DELETE FROM "user_versions";

ALTER TABLE "user_versions" DROP CONSTRAINT "user_versions_pkey";
ALTER TABLE "user_versions" DROP CONSTRAINT "user_versions_interval_check";
DROP INDEX "user_versions_as_of_idx";
DROP INDEX "user_versions_registered_idx";
DROP INDEX "user_versions_inactive_idx";

ALTER TABLE "user_versions" ADD COLUMN "updated_at" TIMESTAMPTZ(6) NOT NULL,
ADD COLUMN "registered_at" TIMESTAMPTZ(6) NOT NULL,
ADD COLUMN "effective_from" TIMESTAMPTZ(6) NOT NULL,
ADD COLUMN "effective_to" TIMESTAMPTZ(6);

ALTER TABLE "user_versions" ADD CONSTRAINT "user_versions_pkey" PRIMARY KEY ("user_id", "recorded_from", "effective_from");

-- CreateIndex
CREATE INDEX "user_versions_as_of_idx" ON "user_versions"("created_at" DESC, "user_id" DESC, "recorded_from", "recorded_to", "effective_from", "effective_to", "status");

-- Not expressible in schema.prisma, partial indexes for the list's total without a search: users
-- registered by then (one row a user is known now and open on the effective axis: its registration
-- instant is every row's), less those whose row then is not active (a small part of all rows).
CREATE INDEX "user_versions_registered_idx" ON "user_versions"("registered_at") WHERE "recorded_to" IS NULL AND "effective_to" IS NULL;
CREATE INDEX "user_versions_inactive_idx" ON "user_versions"("recorded_from", "recorded_to", "effective_from", "effective_to", "status") WHERE "status" <> 'active';

-- Not expressible in schema.prisma: both intervals run forwards.
ALTER TABLE "user_versions" ADD CONSTRAINT "user_versions_interval_check" CHECK ("recorded_to" IS NULL OR "recorded_to" >= "recorded_from");
ALTER TABLE "user_versions" ADD CONSTRAINT "user_versions_effective_interval_check" CHECK ("effective_to" IS NULL OR "effective_to" >= "effective_from");
