-- Saved reports: definitions a product owner declares on the dashboard. Each one's projection
-- (its checkpoint in projection_checkpoints, its table saved_report_<id>) is created and dropped
-- with it by the application, since its tables come and go with the definitions.
CREATE TABLE "report_definitions" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_definitions_pkey" PRIMARY KEY ("id")
);
