-- AlterTable
ALTER TABLE "projection_checkpoints" ADD COLUMN     "rebuild_applied" BIGINT,
ADD COLUMN     "rebuild_started_at" TIMESTAMPTZ(6),
ADD COLUMN     "rebuild_total" BIGINT;

