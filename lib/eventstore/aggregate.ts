// Folding a stream into a state, from its nearest snapshot when the fold keeps them.
import type { Queryable } from "../db/database";
import { maxStreamVersion, type EventRow, type StoreContext } from "./event-rows";
import { readStream } from "./reads";
import { saveSnapshotsStatement, snapshotAndEventsRead } from "./sql";
import type { AggregateResult, Fold, ReadStreamOptions, RecordedEvent } from "./types";
import { checkInstant, checkStreamId, checkVersionBound } from "./validate";

export interface SnapshotKeeping {
  /** Runs in the transaction that writes a stream's snapshots: false keeps none (see EventStoreOptions). */
  mayKeepSnapshots?: (tx: Queryable, streamId: string) => Promise<boolean>;
  onSnapshotFailed: (streamId: string, error: unknown) => void;
}

interface TakenSnapshot {
  version: number;
  state: unknown;
  /** The latest recording instant the state folds, in milliseconds (an event read carries no more). */
  maxRecordedAt: number;
}

/**
 * The latest instant a snapshot may claim to fold, as PostgreSQL reads it: the end of the millisecond
 * of the latest event it folds, since that event was recorded somewhere within it. A fold up to an
 * instant inside that millisecond starts from an earlier snapshot instead, never from one that holds
 * an event recorded after the instant.
 */
const endOfMillisecond = (millis: number) => `${new Date(millis).toISOString().slice(0, 23)}999Z`;

export async function aggregateStream<State>(
  context: StoreContext & SnapshotKeeping,
  streamId: string,
  fold: Fold<State>,
  options: Pick<ReadStreamOptions, "toVersion" | "until"> = {},
): Promise<AggregateResult<State>> {
  checkStreamId(streamId);
  const toVersion = checkVersionBound("toVersion", options.toVersion) ?? maxStreamVersion;
  const until = checkInstant("until", options.until) ?? null;
  const snapshots = fold.snapshots;

  let state = fold.initialState;
  let version = 0;
  let maxRecordedAt = 0;
  let events: RecordedEvent[];
  if (snapshots) {
    const companion = context.foldCompanion?.(streamId);
    const rows = await context.database.query<EventRow & { is_snapshot: boolean | null }>(
      snapshotAndEventsRead([streamId, snapshots.name, snapshots.version, toVersion, until], companion),
    );
    // With a companion, its row comes first (is_snapshot NULL), whatever the stream holds.
    if (companion && rows[0]?.is_snapshot !== null) throw new Error(`The fold of ${streamId} lost its companion row`);
    const companionRow = companion ? rows.shift() : undefined;
    const nearest = rows[0]?.is_snapshot ? rows[0] : undefined;
    if (nearest) {
      state = nearest.data as State;
      version = nearest.version;
      maxRecordedAt = nearest.recorded_at.getTime();
    }
    events = await context.read(
      nearest ? rows.slice(1) : rows,
      companion ? { streamId, value: companionRow?.data ?? null } : undefined,
    );
  } else {
    events = await readStream(context, streamId, { toVersion, until: until ?? undefined });
  }

  const taken: TakenSnapshot[] = [];
  // A snapshot is only true when every version up to it was folded (a fold up to an instant may skip some).
  let contiguous = true;
  for (const event of events) {
    contiguous &&= event.version === version + 1;
    state = fold.evolve(state, event);
    version = event.version;
    maxRecordedAt = Math.max(maxRecordedAt, event.recordedAt.getTime());
    if (snapshots && contiguous && version % snapshots.every === 0) taken.push({ version, state, maxRecordedAt });
  }
  if (snapshots && taken.length > 0) await saveSnapshots(context, streamId, snapshots, taken);
  return { state, version };
}

async function saveSnapshots(
  context: StoreContext & SnapshotKeeping,
  streamId: string,
  fold: { name: string; version: number },
  taken: TakenSnapshot[],
): Promise<void> {
  const save = (on: Queryable) =>
    on.query({
      name: "rewind.save_snapshots",
      text: saveSnapshotsStatement,
      values: [
        streamId,
        fold.name,
        fold.version,
        taken.map((snapshot) => snapshot.version),
        taken.map((snapshot) => JSON.stringify(snapshot.state)),
        taken.map((snapshot) => endOfMillisecond(snapshot.maxRecordedAt)),
      ],
    });
  const { database, mayKeepSnapshots } = context;
  // Derived data: failing to keep one costs only speed, so a failure here is not the reader's.
  await (
    mayKeepSnapshots
      ? database.transaction(async (tx) => {
          if (await mayKeepSnapshots(tx, streamId)) await save(tx);
        })
      : save(database)
  ).catch((error: unknown) => context.onSnapshotFailed(streamId, error));
}
