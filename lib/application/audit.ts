// The audit trail: what an actor (an admin or an API token) recorded in a period, newest first —
// read straight from the event log, where every event carries its actor, reason and correlation.
import { browseEventLog, readEventLogPage, type EventLogPage, type LogKey } from "./event-log";
import { csvLine } from "./reports/csv";
import type { EventView } from "./users/user-queries";

export interface AuditQuery {
  actor?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** Continue after this entry (the previous page's nextCursor). */
  after?: LogKey;
}

export const auditTrail = (query: AuditQuery): Promise<EventLogPage> => browseEventLog(query);

export const auditCsvHeader = [
  "recorded_at",
  "actor",
  "type",
  "stream",
  "version",
  "position",
  "reason",
  "correlation_id",
  "data",
];

const csvPageSize = 500;

const metadataText = (event: EventView, key: string) => {
  const value = event.metadata[key];
  return typeof value === "string" ? value : "";
};

/** Every entry matching the query, newest first, as CSV lines (no header), handed to `write` a page at a time. */
export async function streamAuditCsv(
  query: Omit<AuditQuery, "limit" | "after">,
  write: (lines: string) => void,
): Promise<void> {
  let after: LogKey | undefined;
  for (;;) {
    const page = await readEventLogPage({ ...query, limit: csvPageSize, after });
    write(
      page.items
        .map((event) =>
          csvLine([
            event.recordedAt,
            metadataText(event, "actor"),
            event.type,
            event.streamId,
            event.version,
            event.position,
            metadataText(event, "reason"),
            metadataText(event, "correlationId"),
            JSON.stringify(event.data),
          ]),
        )
        .join(""),
    );
    if (!page.next) return;
    after = page.next;
  }
}
