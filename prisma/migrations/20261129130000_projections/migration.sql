-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,
    "caught_up_at" TIMESTAMPTZ(6),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "name_changes" (
    "user_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "position" BIGINT NOT NULL,
    "previous_name" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "renamed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "name_changes_pkey" PRIMARY KEY ("user_id","version")
);

-- CreateIndex
CREATE INDEX "name_changes_renamed_at_idx" ON "name_changes"("renamed_at");

