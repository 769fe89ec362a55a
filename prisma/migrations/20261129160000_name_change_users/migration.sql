-- CreateTable
CREATE TABLE "name_change_users" (
    "user_id" UUID NOT NULL,
    "last_renamed_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "name_change_users_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "name_change_last_days" (
    "day" DATE NOT NULL,
    "users" INTEGER NOT NULL,

    CONSTRAINT "name_change_last_days_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "name_change_users_last_renamed_at_idx" ON "name_change_users"("last_renamed_at");

