// `npm run db:import -- <file>`: replays an export into an empty database (DATABASE_URL or the
// embedded one, migrated first), rebuilds the users table; the projections rebuild on the next start
// (or `npm run projections:rebuild -- <name>`).
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { SingleBar, Presets } from "cli-progress";
import { importLog } from "../lib/application/backup";
import { databaseConfigFromEnvironment } from "../lib/db/config";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";

const source = process.argv[2];
if (!source) {
  console.error("Usage: npm run db:import -- <file.ndjson | ->");
  process.exit(2);
}
// Opened when the import starts reading: readline drops the lines it reads before anyone iterates.
async function* lines() {
  yield* createInterface({ input: source === "-" ? process.stdin : createReadStream(source!), crlfDelay: Infinity });
}
const bar = new SingleBar(
  { format: "import [{bar}] {value}/{total} events {eta_formatted}", stream: process.stderr },
  Presets.shades_classic,
);

const database = await openDatabase(databaseConfigFromEnvironment());
try {
  await migrate(database);
  let started = false;
  const report = await importLog(database, lines(), (done, total) => {
    if (!started) bar.start(total, 0);
    started = true;
    bar.update(done);
  });
  bar.stop();
  console.error(`imported ${report.events} events and ${report.userKeys} user keys; ${report.users} users in the users table`);
} catch (error) {
  bar.stop();
  console.error(`\n${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
