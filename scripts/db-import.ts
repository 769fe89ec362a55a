// `npm run db:import -- <file>`: replays an export into an empty database (DATABASE_URL or the
// embedded one, migrated first), rebuilds the users table; the projections rebuild on the next start
// (or `npm run projections:rebuild -- <name>`).
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { importLog } from "../lib/application/backup";
import { progressBar, runOnDatabase } from "./database-command";

const source = process.argv[2];
if (!source) {
  console.error("Usage: npm run db:import -- <file.ndjson | ->");
  process.exit(2);
}
// Opened when the import starts reading: readline drops the lines it reads before anyone iterates.
async function* lines() {
  yield* createInterface({ input: source === "-" ? process.stdin : createReadStream(source!), crlfDelay: Infinity });
}
const bar = progressBar("import", "events");

await runOnDatabase(async (database) => {
  try {
    const report = await importLog(database, lines(), bar.update);
    bar.stop();
    console.error(
      `imported ${report.events} events and ${report.userKeys} user keys; ${report.users} users in the users table`,
    );
  } finally {
    bar.stop();
  }
});
