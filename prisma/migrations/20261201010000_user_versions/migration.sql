-- The temporal index of users (docs/decisions/017-temporal-index-of-user-versions.md): one row per
-- version of each user, current from its event's recorded_at until the next version's (NULL: still
-- current). Written by the append's own statement, like the users row. Names and emails are in the
-- log encrypted, so this migration cannot fill it in SQL: a database that already holds users gets
-- it built at the next start (or by `npm run db:user-versions -- --repair`).
-- CreateTable
CREATE TABLE "user_versions" (
    "user_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "name_lower" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL,
    "recorded_from" TIMESTAMPTZ(6) NOT NULL,
    "recorded_to" TIMESTAMPTZ(6),

    CONSTRAINT "user_versions_pkey" PRIMARY KEY ("user_id","version")
);

-- CreateIndex
CREATE INDEX "user_versions_as_of_idx" ON "user_versions"("created_at" DESC, "user_id" DESC, "recorded_from", "recorded_to", "status");

-- Not expressible in schema.prisma, partial indexes for the list's total at an instant without a search:
-- users registered by then (every user stream begins with its registration, version 1), less those
-- whose version current then is not active (a small part of all versions).
CREATE INDEX "user_versions_registered_idx" ON "user_versions"("recorded_from") WHERE "version" = 1;
CREATE INDEX "user_versions_inactive_idx" ON "user_versions"("recorded_from", "recorded_to", "status") WHERE "status" <> 'active';

-- Not expressible in schema.prisma: the statuses a registered user can have, and a non-empty interval's order.
ALTER TABLE "user_versions" ADD CONSTRAINT "user_versions_status_check" CHECK ("status" IN ('active', 'deactivated', 'forgotten'));
ALTER TABLE "user_versions" ADD CONSTRAINT "user_versions_interval_check" CHECK ("recorded_to" IS NULL OR "recorded_to" >= "recorded_from");
