-- CreateTable
CREATE TABLE "snapshots" (
    "stream_id" TEXT NOT NULL,
    "fold_name" TEXT NOT NULL,
    "fold_version" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "max_recorded_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("stream_id","fold_name","fold_version","version")
);
