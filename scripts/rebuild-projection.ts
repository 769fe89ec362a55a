// `npm run projections:rebuild -- <name>`: rebuild one projection from the first event into fresh
// tables and swap them in, with a progress bar. Against DATABASE_URL, or the embedded database
// when no server holds it (the dashboard's /admin/projections rebuilds inside a running server).
import { projections } from "../lib/application/projections";
import { getServices } from "../lib/application/services";
import { closeDatabase, provideDatabase } from "../lib/db";
import { databaseConfigFromEnvironment } from "../lib/env";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";
import { rebuildProjection } from "../lib/projections/rebuild";

const name = process.argv[2];
const projection = projections.find((candidate) => candidate.name === name);
if (!projection) {
  console.error(`Usage: npm run projections:rebuild -- <name>, one of: ${projections.map((p) => p.name).join(", ")}`);
  process.exit(2);
}

const database = await openDatabase(databaseConfigFromEnvironment());
try {
  await migrate(database);
  provideDatabase(database);
  const started = performance.now();
  const result = await rebuildProjection(await getServices(), projection, {
    onProgress: (applied, total) => {
      const width = 30;
      const filled = Math.round((applied / Math.max(total, 1)) * width);
      process.stderr.write(
        `\r${projection.name} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${applied}/${total} events`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write("\n");
  console.log(
    `Rebuilt ${projection.name} v${projection.version} from ${result.applied} events in ${seconds.toFixed(1)} s (${Math.round(result.applied / seconds)} events/s); swapped in at position ${result.position}`,
  );
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
