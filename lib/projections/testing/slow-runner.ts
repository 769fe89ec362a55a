// A runner process for the crash test: it applies name_changes batches, and inside each batch, after
// writing, it announces itself and dawdles, so that the test can kill it with SIGKILL mid-batch.
import { writeFileSync } from "node:fs";
import { nameChangesProjection } from "../../application/users/name-changes-projection";
import { createPostgresDatabase, createPGliteDatabase, type Database } from "../../db/database";
import { openPGlite } from "../../db/open";
import { createEventStore } from "../../eventstore";
import type { Projection } from "../projection";
import { runBatch } from "../runner";

const [target, signalFile] = process.argv.slice(2) as [string, string];
const database: Database = target.startsWith("postgres")
  ? createPostgresDatabase(target, { maxConnections: 2 })
  : createPGliteDatabase(await openPGlite(target));
const store = createEventStore(database);
const dawdling: Projection = {
  ...nameChangesProjection,
  async apply(tx, events, table) {
    await nameChangesProjection.apply(tx, events, table);
    writeFileSync(signalFile, String(events.length));
    await new Promise((done) => setTimeout(done, 60_000));
  },
};
await runBatch(database, store, dawdling, 10);
