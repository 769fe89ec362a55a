// An asynchronous projection: a read model built from the event log after the fact, so that a new
// one covers the whole history recorded before it existed.
import type { Queryable } from "../db/database";
import type { RecordedEvent } from "../eventstore";

/** The physical name to write for one of the projection's tables (a shadow copy during a rebuild). */
export type TableName = (table: string) => string;

export interface Projection {
  /** Also the key of its checkpoint. */
  name: string;
  /** Raise it when apply changes meaning: the projection is then rebuilt from the first event. */
  version: number;
  /** The event types it reads; the checkpoint moves past all others too. */
  eventTypes: readonly string[];
  /** The tables it writes (created by a migration); a rebuild fills copies and swaps them in. */
  tables: readonly string[];
  /** Applies a batch of its events, in feed order, inside the transaction that moves its checkpoint. */
  apply(tx: Queryable, events: RecordedEvent[], table: TableName): Promise<void>;
  /**
   * For projections that hold personal data: erases one user's from the tables `table` names. Run
   * by forgetting a user, on the live tables and on a rebuild's copies alike.
   */
  erase?(tx: Queryable, userId: string, table: TableName): Promise<void>;
}

export const liveTables: TableName = (table) => table;
