// `npm run db:export -- <file>`: the event log (and the user keys) as NDJSON, streamed, from
// DATABASE_URL or the embedded database (which must not be open in a running server). `-` writes
// to stdout; the progress bar goes to stderr.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { SingleBar, Presets } from "cli-progress";
import { exportLog } from "../lib/application/backup";
import { databaseConfigFromEnvironment } from "../lib/db/config";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";

const target = process.argv[2];
if (!target) {
  console.error("Usage: npm run db:export -- <file.ndjson | ->");
  process.exit(2);
}
const out = target === "-" ? process.stdout : createWriteStream(target);
const bar = new SingleBar(
  { format: "export [{bar}] {value}/{total} events {eta_formatted}", stream: process.stderr },
  Presets.shades_classic,
);

const database = await openDatabase(databaseConfigFromEnvironment());
try {
  await migrate(database);
  let started = false;
  const header = await exportLog(
    database,
    // Waits when the file or pipe is slower than the database: memory stays flat.
    async (text) => {
      if (!out.write(text)) await once(out, "drain");
    },
    (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  );
  bar.stop();
  if (out !== process.stdout) await new Promise((done) => (out as ReturnType<typeof createWriteStream>).end(done));
  console.error(`exported ${header.events} events and ${header.userKeys} user keys${target === "-" ? "" : ` to ${target}`}`);
} catch (error) {
  bar.stop();
  console.error(`\n${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
