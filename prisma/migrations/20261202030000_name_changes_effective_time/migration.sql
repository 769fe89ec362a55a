-- The name-changes report on either time axis (docs/decisions/023, issue 19): each rename keeps when it
-- took effect beside when it was recorded, and each renamed user's latest rename on both axes.
-- Until the projection's rebuild (its version rises to 3) fills them from the log, the recorded time
-- stands in for the effective one, as it does for every event recorded without an effectiveAt.
ALTER TABLE "name_changes" ADD COLUMN "effective_at" TIMESTAMPTZ(6);
UPDATE "name_changes" SET "effective_at" = "renamed_at";
ALTER TABLE "name_changes" ALTER COLUMN "effective_at" SET NOT NULL;
CREATE INDEX "name_changes_effective_at_idx" ON "name_changes"("effective_at");

ALTER TABLE "name_change_users" ADD COLUMN "last_effective_at" TIMESTAMPTZ(6);
UPDATE "name_change_users" SET "last_effective_at" = "last_renamed_at";
ALTER TABLE "name_change_users" ALTER COLUMN "last_effective_at" SET NOT NULL;
CREATE INDEX "name_change_users_last_effective_at_idx" ON "name_change_users"("last_effective_at");

-- CreateTable
CREATE TABLE "name_change_last_effective_days" (
    "day" DATE NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "name_change_last_effective_days_pkey" PRIMARY KEY ("day")
);
INSERT INTO "name_change_last_effective_days" ("day", "users") SELECT "day", "users" FROM "name_change_last_days";
