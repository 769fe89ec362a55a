import { getDatabase, getPrisma } from "../db";

export interface EventLogSummary {
  eventCount: number;
  streamCount: number;
  backend: "postgres" | "pglite";
}

export async function getEventLogSummary(): Promise<EventLogSummary> {
  const [database, prisma] = await Promise.all([getDatabase(), getPrisma()]);
  const [eventCount, [streams]] = await Promise.all([
    prisma.event.count(),
    prisma.$queryRaw<[{ count: number }]>`SELECT count(DISTINCT stream_id)::int AS count FROM events`,
  ]);
  return { eventCount, streamCount: streams.count, backend: database.backend };
}
