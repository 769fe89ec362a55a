-- The event explorer (GET /api/events?order=desc) and the audit trail list the log newest first by
-- (recorded_at, position), unfiltered or by period, in keyset pages. Without this index each page
-- sorted the whole table (docs/decisions/024-event-log-newest-first.md has the EXPLAIN figures).
-- CreateIndex
CREATE INDEX "events_recorded_at_position_idx" ON "events"("recorded_at", "position");
