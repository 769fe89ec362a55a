-- The audit trail lists what one actor did in a period, newest first. An expression index: the
-- actor lives in the metadata document, and Prisma's schema language cannot declare such an index
-- (schema.prisma says so next to the Event model; the drift check ignores it — see its test).
CREATE INDEX "events_actor_recorded_at_idx" ON "events" ((metadata->>'actor'), "recorded_at" DESC, "position" DESC);
