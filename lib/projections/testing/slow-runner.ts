// A runner process for the crash test: it applies batches of the projection its caller names (a
// module and the name of its export), and inside each batch, after writing, it announces itself and
// dawdles, so that the test can kill it with SIGKILL mid-batch.
import { writeFileSync } from "node:fs";
import { createPostgresDatabase, createPGliteDatabase, type Database } from "../../db/database";
import { openPGlite } from "../../db/open";
import { createEventStore } from "../../eventstore";
import type { Projection } from "../projection";
import { runBatch } from "../runner";

const [target, signalFile, projectionModule, projectionExport] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const projection = ((await import(projectionModule)) as Record<string, Projection>)[projectionExport];
if (!projection) throw new Error(`${projectionModule} exports no projection ${projectionExport}`);
const database: Database = target.startsWith("postgres")
  ? createPostgresDatabase(target, { maxConnections: 2 })
  : createPGliteDatabase(await openPGlite(target));
const store = createEventStore(database);
const dawdling: Projection = {
  ...projection,
  async apply(tx, events, table) {
    await projection.apply(tx, events, table);
    writeFileSync(signalFile, String(events.length));
    await new Promise((done) => setTimeout(done, 60_000));
  },
};
await runBatch(database, store, dawdling, 10);
