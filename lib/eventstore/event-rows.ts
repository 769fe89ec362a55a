// The events table's rows, and what the store makes of them before handing them out.
import type { Database, Row, Statement } from "../db/database";
import type { EventMetadata, RecordedEvent } from "./types";

/** A row of the events table as selected with `*` (or these columns). */
export interface EventRow extends Row {
  position: number;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: RecordedEvent["data"];
  metadata: EventMetadata;
  recorded_at: Date;
}

/** A row of the events table as the store hands it out (before its read transform). */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** The largest version a stream can reach (the column is a PostgreSQL integer). */
export const maxStreamVersion = 2_147_483_647;

/** The value of the application's companion query, read with a fold of `streamId` (null: no row). */
export interface FoldCompanion {
  streamId: string;
  value: unknown;
}

/** What every part of the store works with: the database and the application's read transform. */
export interface StoreContext {
  database: Database;
  /** Rows to events, through the application's read transform (decryption, upcasting). */
  read(rows: EventRow[], companion?: FoldCompanion): Promise<RecordedEvent[]>;
  /** The query the application reads with every fold of the stream (see EventStoreOptions). */
  foldCompanion?(streamId: string): Statement | undefined;
}
