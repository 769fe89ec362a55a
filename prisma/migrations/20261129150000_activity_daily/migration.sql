-- CreateTable
CREATE TABLE "activity_daily" (
    "day" DATE NOT NULL,
    "type" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "activity_daily_pkey" PRIMARY KEY ("day","type")
);

