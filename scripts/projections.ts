// `npm run projections`: keep the asynchronous projections caught up from this process (for
// DATABASE_URL; the server already runs them for itself). Stops on Ctrl-C.
import { projections } from "../lib/application/projections";
import { getServices } from "../lib/application/services";
import { closeDatabase, provideDatabase } from "../lib/db";
import { databaseConfigFromEnvironment } from "../lib/env";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";
import { readStatus } from "../lib/projections/checkpoints";
import { runProjections } from "../lib/projections/runner";

const database = await openDatabase(databaseConfigFromEnvironment());
await migrate(database);
provideDatabase(database);
const services = await getServices();
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop.abort());

async function printStatus() {
  const head = await services.store.headPosition();
  const lines = await Promise.all(
    projections.map(async (projection) => {
      const status = await readStatus(database, projection.name);
      const error = status?.lastError ? `  last error: ${status.lastError}` : "";
      return `${projection.name} v${projection.version}: at ${status?.position ?? 0} of ${head}${error}`;
    }),
  );
  console.log(lines.join("\n"));
}
// A status the database cannot give now (a restart) is skipped, not fatal: the projections keep running.
const report = setInterval(() => {
  printStatus().catch((error: unknown) =>
    console.error(`status unavailable: ${error instanceof Error ? error.message : String(error)}`),
  );
}, 5000);
console.log(`Keeping ${projections.map((p) => p.name).join(", ")} caught up; Ctrl-C to stop.`);
await runProjections(services, projections, stop.signal);
clearInterval(report);
await closeDatabase();
