// Catching a projection up in a test, and waiting for the feed. The feed holds events back while any
// older transaction runs on the same PostgreSQL server — other test files' included — so "no batch
// left" alone can stop short: these first wait until the feed shows every event committed.
import type { Database } from "../db/database";
import type { EventStore, RecordedEvent } from "../eventstore";
import type { Projection } from "../projections/projection";
import { runBatch } from "../projections/runner";

/**
 * Waits until the feed shows every event this database holds: until no committed event belongs to
 * a transaction the feed still waits behind. (Not "the head reached the highest position": the
 * feed is in transaction order, and positions are not.)
 */
export async function feedShowsEverything(database: Database): Promise<void> {
  for (let tries = 0; ; tries++) {
    const [row] = await database.query<{ waiting: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS waiting",
    );
    if (!row?.waiting) return;
    if (tries >= 1200) throw new Error("the feed still holds events back after 30 s");
    await new Promise((done) => setTimeout(done, 25));
  }
}

export async function catchUp(
  database: Database,
  store: EventStore,
  projection: Projection,
  batchSize?: number,
): Promise<void> {
  await feedShowsEverything(database);
  while ((await runBatch(database, store, projection, batchSize)) > 0);
}

/** Every event of the log in feed order, once the feed shows them all: what a brute-force check folds. */
export async function everyEvent(database: Database, store: EventStore): Promise<RecordedEvent[]> {
  await feedShowsEverything(database);
  const events: RecordedEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 1000 });
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.lastPosition;
  }
}
