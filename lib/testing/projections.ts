// Catching a projection up in a test: batches until it has applied every event this database holds.
// The feed holds events back while any older transaction runs on the same PostgreSQL server — other
// test files' included — so "no batch left" alone can stop short; this waits for the last position.
import type { Database } from "../db/database";
import type { EventStore } from "../eventstore";
import type { Projection } from "../projections/projection";
import { readStatus, runBatch } from "../projections/runner";

export async function catchUp(database: Database, store: EventStore, projection: Projection, batchSize?: number): Promise<void> {
  const [{ last } = { last: 0 }] = await database.query<{ last: number }>("SELECT coalesce(max(position), 0)::bigint AS last FROM events");
  for (let tries = 0; ; tries++) {
    while ((await runBatch(database, store, projection, batchSize)) > 0);
    if (((await readStatus(database, projection.name))?.position ?? 0) >= last) return;
    if (tries >= 600) throw new Error(`${projection.name} did not reach position ${last}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
