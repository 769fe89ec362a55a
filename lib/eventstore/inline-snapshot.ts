// A snapshot written by the append itself, as an inline statement: the fold's state after the new
// events, so that the stream's next command folds one row instead of every event since the last
// periodic snapshot (and decrypts none of them). Only when the events are recorded is unknown
// before they are: the caller gives the paths in its state that hold that instant, and the
// statement fills them in from the appended rows.
import type { Statement } from "../db/database";
import type { Fold } from "./types";

export interface InlineSnapshot {
  streamId: string;
  snapshots: NonNullable<Fold<unknown>["snapshots"]>;
  /** The state after the appended events: plain JSON, as the fold would return it. */
  state: unknown;
  /** The stream's version after the append: nothing is kept unless the append reaches exactly it. */
  version: number;
  /**
   * Where the state holds the appended events' recording instant, each filled in as ISO 8601 to the
   * millisecond (`Date.toISOString()`, as a read gives `recordedAt`). The events must all be recorded
   * at one instant (the store's default: the transaction's); otherwise no snapshot is kept.
   */
  recordedAtPaths: readonly (readonly string[])[];
  /**
   * The latest instant among the stream's earlier events (undefined: none), to the millisecond: at
   * least their latest recording instant, and any later instant the state holds that a fold compares
   * a new event's with. The snapshot is kept only when the new events are recorded at least a
   * millisecond later, so that their instant is also the latest of the stream (its
   * `max_recorded_at`), and a fold that compared instants would have taken the new one. A clock that
   * stepped back keeps none.
   */
  recordedAfter?: Date;
}

const recordedAtAsIso = `to_jsonb(to_char(max(recorded_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * The inline statements that keep `state` as the snapshot at `version` and drop the ones earlier
 * commands kept (periodic snapshots, every `snapshots.every` versions, stay).
 */
export function inlineSnapshotStatements(snapshot: InlineSnapshot): Statement[] {
  const { streamId, snapshots, state, version, recordedAtPaths, recordedAfter } = snapshot;
  const fill = recordedAtPaths.reduce<string>(
    (expression, _, index) => `jsonb_set(${expression}, $${7 + index}::text[], last.instant)`,
    "$4::jsonb",
  );
  const keep: Statement = {
    // Short names: the append's composed name must stay within PostgreSQL's 63 bytes to be prepared once.
    name: `keep${recordedAtPaths.length}`,
    text: `INSERT INTO snapshots (stream_id, fold_name, fold_version, version, state, max_recorded_at)
           SELECT $1, $2, $3, last.version, ${fill}, last.recorded_at
             FROM (SELECT max(version) AS version, max(recorded_at) AS recorded_at, ${recordedAtAsIso} AS instant
                     FROM appended HAVING count(*) > 0 AND min(recorded_at) = max(recorded_at)) AS last
            WHERE last.version = $5
              AND ($6::timestamptz IS NULL OR last.recorded_at >= $6::timestamptz + interval '1 millisecond')
           ON CONFLICT DO NOTHING`,
    values: [
      streamId,
      snapshots.name,
      snapshots.version,
      JSON.stringify(state),
      version,
      recordedAfter ?? null,
      ...recordedAtPaths.map((path) => [...path]),
    ],
  };
  // Every other version's snapshot was a command's (a fold keeps only periodic ones): all are replaced.
  // Those of the fold's earlier versions no fold reads any more: they go too, stream by stream (a
  // later version's, kept by a newer release during a rolling deployment, stays).
  const drop: Statement = {
    name: "drop",
    text: `DELETE FROM snapshots
            WHERE stream_id = $1 AND fold_name = $2
              AND (fold_version < $3 OR (fold_version = $3 AND version < $5 AND version % $4 <> 0))
              AND EXISTS (SELECT 1 FROM appended)`,
    values: [streamId, snapshots.name, snapshots.version, snapshots.every, version],
  };
  return [keep, drop];
}

/**
 * An inline statement that deletes every snapshot of the stream with the append: what erases a
 * stream's folded state leaves none of it behind, even if what follows the append never runs.
 */
export function inlineSnapshotsErasure(streamId: string): Statement {
  return {
    name: "unsnap",
    text: "DELETE FROM snapshots WHERE stream_id = $1 AND EXISTS (SELECT 1 FROM appended)",
    values: [streamId],
  };
}
