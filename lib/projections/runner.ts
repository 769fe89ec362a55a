// Runs projections: each catches up from its checkpoint through readAll (which never skips), one
// batch per transaction, the batch's writes and the new checkpoint committed together. A crash
// therefore loses nothing and applies nothing twice; several runners (processes) may run at once,
// the checkpoint row deciding which one applies a batch.
import type { Database } from "../db/database";
import type { EventNotifier, EventStore } from "../eventstore";
import { checkpointOf } from "./checkpoints";
import { liveTables, type Projection } from "./projection";
import { RebuildInProgress, rebuildProjection } from "./rebuild";

/** Another runner moved the checkpoint first: its batch stands, ours is rolled back. */
class CheckpointMoved extends Error {}

export const defaultBatchSize = 500;

/**
 * Applies the next batch. Returns how many events it moved past (0: caught up). A projection whose
 * version in code differs from the checkpoint's is emptied and starts again from the first event.
 */
export async function runBatch(
  database: Database,
  store: EventStore,
  projection: Projection,
  batchSize = defaultBatchSize,
): Promise<number> {
  return (await nextBatch(database, store, projection, batchSize)).moved;
}

/** runBatch, also saying whether the batch reached the end of the feed (a page less than full). */
async function nextBatch(
  database: Database,
  store: EventStore,
  projection: Projection,
  batchSize: number,
): Promise<{ moved: number; caughtUp: boolean }> {
  const status = await checkpointOf(database, projection);
  if (status.version !== projection.version) {
    // Rebuilt into copies while the old version keeps serving; another runner may be doing it.
    try {
      await rebuildProjection({ database, store }, projection, { batchSize: Math.max(batchSize, 1000) });
    } catch (error) {
      if (!(error instanceof RebuildInProgress)) throw error;
      await new Promise((done) => setTimeout(done, 500));
    }
    return { moved: 1, caughtUp: false };
  }

  // Only the projection's own events are decoded; the checkpoint still moves past every event read.
  const page = await store.readAll({ after: status.position, limit: batchSize, keepTypes: projection.eventTypes });
  if (page.scanned === 0) {
    await database.query({
      name: "projections.caught_up",
      text: `UPDATE projection_checkpoints SET caught_up_at = now(), last_error = NULL WHERE name = $1 AND position = $2`,
      values: [projection.name, status.position],
    });
    return { moved: 0, caughtUp: true };
  }
  // A page less than full read everything there was: the checkpoint it moves to is caught up, which
  // saves reading an empty page next.
  const caughtUp = page.scanned < batchSize;
  try {
    await database.transaction(async (tx) => {
      const moved = await tx.query(
        `UPDATE projection_checkpoints
            SET position = $3, updated_at = now(), last_error = NULL, caught_up_at = CASE WHEN $5 THEN now() ELSE caught_up_at END
          WHERE name = $1 AND version = $2 AND position = $4 RETURNING 1`,
        [projection.name, projection.version, page.lastPosition, status.position, caughtUp],
      );
      if (moved.length === 0) throw new CheckpointMoved();
      if (page.events.length > 0) await projection.apply(tx, page.events, liveTables);
    });
  } catch (error) {
    if (error instanceof CheckpointMoved) return { moved: 1, caughtUp: false };
    throw error;
  }
  return { moved: page.scanned, caughtUp };
}

async function recordError(database: Database, projection: Projection, error: unknown): Promise<void> {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await database
    .query(`UPDATE projection_checkpoints SET last_error = $2, last_error_at = now() WHERE name = $1`, [
      projection.name,
      message.slice(0, 2000),
    ])
    .catch(() => {});
}

const idlePollMs = 1000;
const maxBackoffMs = 30_000;
/**
 * How long a runner lets new events gather before it reads them. Without it a busy server ran one
 * batch (a checkpoint read, a page read, a transaction: about seven statements per projection) for
 * every event appended, which cost a command more than the command itself (docs/BENCHMARKS.md,
 * bench:api); with it a projection is at most this much later.
 */
export const gatherMs = 50;

/**
 * A batch of at least this many events says appends keep coming (a busy server, an import): the next
 * read then lets them gather for busyGatherMs. Under 200 renames a second, 50 ms made each projection
 * run about twenty batches a second, each of them seven statements on the Node thread that also serves
 * the commands; a quiet server, with an event now and then, still shows each within gatherMs.
 */
const busyBatch = 8;
const busyGatherMs = 250;

/**
 * Keeps every projection caught up until `signal` aborts. A failing projection records its error and
 * retries with back-off; the others go on.
 */
export async function runProjections(
  services: { database: Database; store: EventStore; notifier: EventNotifier },
  projections: readonly Projection[],
  signal: AbortSignal,
  batchSize = defaultBatchSize,
): Promise<void> {
  await Promise.all(
    projections.map(async (projection) => {
      let failures = 0;
      // Listening all along: an append made while a batch ran is not missed when that batch ends caught up.
      let appendedMeanwhile: boolean;
      let wakeNow: (() => void) | undefined;
      const unsubscribe = services.notifier.subscribe(() => {
        appendedMeanwhile = true;
        wakeNow?.();
      });
      try {
        while (!signal.aborted) {
          appendedMeanwhile = false;
          let pause = 0;
          let gather = gatherMs;
          try {
            const { moved, caughtUp } = await nextBatch(services.database, services.store, projection, batchSize);
            failures = 0;
            if (moved > 0 && !caughtUp) continue;
            gather = moved >= busyBatch ? busyGatherMs : gatherMs;
            pause = appendedMeanwhile ? gather : idlePollMs;
          } catch (error) {
            failures++;
            await recordError(services.database, projection, error);
            pause = Math.min(maxBackoffMs, 250 * 2 ** failures);
          }
          await new Promise<void>((resume) => {
            let timer = setTimeout(done, pause);
            // Woken by an append: read after the events of the next few milliseconds have joined it.
            // A failing projection waits out its back-off, and a busy one its gathering, new events or not.
            if (failures === 0 && pause === idlePollMs) {
              wakeNow = () => {
                wakeNow = undefined;
                clearTimeout(timer);
                timer = setTimeout(done, gather);
              };
            }
            signal.addEventListener("abort", done, { once: true });
            function done() {
              wakeNow = undefined;
              clearTimeout(timer);
              signal.removeEventListener("abort", done);
              resume();
            }
          });
        }
      } finally {
        unsubscribe();
      }
    }),
  );
}
