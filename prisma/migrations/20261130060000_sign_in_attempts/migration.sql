-- CreateTable
CREATE TABLE "sign_in_attempts" (
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "window_started_at" TIMESTAMPTZ(6) NOT NULL,
    "attempts" INTEGER NOT NULL,

    CONSTRAINT "sign_in_attempts_pkey" PRIMARY KEY ("kind","key")
);

-- CreateIndex
CREATE INDEX "sign_in_attempts_window_started_at_idx" ON "sign_in_attempts"("window_started_at");
