-- CreateTable
CREATE TABLE "events" (
    "stream_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "position" BIGSERIAL NOT NULL,
    "stream_type" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL,
    "command_id" TEXT,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "transaction_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),

    CONSTRAINT "events_pkey" PRIMARY KEY ("stream_id","version")
);

-- CreateIndex
CREATE INDEX "events_position_idx" ON "events"("position");

-- CreateIndex
CREATE INDEX "events_transaction_id_position_idx" ON "events"("transaction_id", "position");

-- CreateIndex
CREATE INDEX "events_type_recorded_at_idx" ON "events"("type", "recorded_at");

-- CreateIndex
CREATE UNIQUE INDEX "events_stream_id_command_id_key" ON "events"("stream_id", "command_id");

-- The log is append-only, and the database itself says so: no role and no bug can change or
-- remove an event. (Not expressible in schema.prisma, so it lives only here.)
CREATE FUNCTION "events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the events table is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER "events_no_update_or_delete" BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION "events_refuse_change"();

CREATE TRIGGER "events_no_truncate" BEFORE TRUNCATE ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "events_refuse_change"();
