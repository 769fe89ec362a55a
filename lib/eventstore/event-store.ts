// The event store: an append-only log of events in PostgreSQL, grouped in streams.
// It knows nothing of users; lib/domain gives the events meaning. Its parts: appending (append.ts),
// reading (reads.ts), folding with snapshots (aggregate.ts), their SQL (sql.ts).
import type { Database, Queryable, Statement } from "../db/database";
import { aggregateStream } from "./aggregate";
import { appendToStream, type AppendOptions } from "./append";
import { toRecordedEvent, type EventRow, type FoldCompanion, type StoreContext } from "./event-rows";
import { countAfter, headPosition, readAll, readStream } from "./reads";
import type {
  AggregateResult,
  AppendResult,
  Fold,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  RecordedEvent,
} from "./types";

export type { AppendOptions } from "./append";
export { toRecordedEvent, type EventRow, type FoldCompanion } from "./event-rows";

export interface EventStore {
  appendToStream(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** The position of the last event readAll would return now (0 when there is none). */
  headPosition(): Promise<number>;
  /** How many events readAll would return now after `position`: a subscriber's lag. */
  countAfter(position: number): Promise<number>;
  aggregateStream<State>(
    streamId: string,
    fold: Fold<State>,
    options?: Pick<ReadStreamOptions, "toVersion" | "until">,
  ): Promise<AggregateResult<State>>;
}

export interface EventStoreOptions {
  /** Called after each append that wrote events (once committed): wakes subscribers up. */
  onAppended?: () => void;
  /**
   * Applied to every batch of events read (streams, the feed, folds): decrypts what the application
   * encrypted, turns an event stored in an older schema into today's shape. Stored rows are never
   * rewritten.
   */
  transformRead?: (events: RecordedEvent[], companion?: FoldCompanion) => Promise<RecordedEvent[]> | RecordedEvent[];
  /**
   * What the read transform needs with a stream's events (the key they were encrypted with), read
   * in the fold's own statement so that a fold is one round trip: a query of one jsonb value and at
   * most one row, or undefined for a stream that needs nothing. Its value reaches transformRead,
   * called then even when there are no events to transform; only folds pass one, so a transform
   * given it knows the events go to the fold alone (and may skip what the fold never reads). Folds
   * with snapshots only.
   */
  foldCompanion?: (streamId: string) => Statement | undefined;
  /**
   * Runs in the transaction that keeps a stream's snapshots, before it writes them: false keeps none.
   * A snapshot holds state folded from events read (and transformed) earlier; the application uses
   * this to hold what those events were decrypted with, and to keep nothing once it is gone.
   */
  mayKeepSnapshots?: (tx: Queryable, streamId: string) => Promise<boolean>;
  /** Keeping snapshots is best effort: a failure is reported here (default: the console) and reads fold from events. */
  onSnapshotFailed?: (streamId: string, error: unknown) => void;
}

export function createEventStore(database: Database, options: EventStoreOptions = {}): EventStore {
  const transformRead = options.transformRead ?? ((events: RecordedEvent[]) => events);
  const context: StoreContext = {
    database,
    read: async (rows: EventRow[], companion?: FoldCompanion) =>
      rows.length === 0 && companion === undefined ? [] : transformRead(rows.map(toRecordedEvent), companion),
    foldCompanion: options.foldCompanion,
  };
  const snapshotKeeping = {
    mayKeepSnapshots: options.mayKeepSnapshots,
    onSnapshotFailed:
      options.onSnapshotFailed ??
      ((streamId: string, error: unknown) => console.warn(`Could not keep snapshots of ${streamId}:`, error)),
  };
  return {
    async appendToStream(streamId, events, appendOptions) {
      const result = await appendToStream(context, streamId, events, appendOptions);
      if (!result.replayed) options.onAppended?.();
      return result;
    },
    readStream: (streamId, readOptions) => readStream(context, streamId, readOptions),
    readAll: (readOptions) => readAll(context, readOptions),
    headPosition: () => headPosition(context),
    countAfter: (position) => countAfter(context, position),
    aggregateStream: (streamId, fold, foldOptions) =>
      aggregateStream({ ...context, ...snapshotKeeping }, streamId, fold, foldOptions),
  };
}
