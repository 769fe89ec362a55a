// `npm run db:export -- <file>`: the event log (and the user keys) as NDJSON, streamed, from
// DATABASE_URL or the embedded database (which must not be open in a running server). `-` writes
// to stdout; the progress bar goes to stderr.
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { exportLog } from "../lib/application/backup";
import { progressBar, runOnDatabase } from "./database-command";

const target = process.argv[2];
if (!target) {
  console.error("Usage: npm run db:export -- <file.ndjson | ->");
  process.exit(2);
}
const out = target === "-" ? process.stdout : createWriteStream(target);
const bar = progressBar("export", "events");

await runOnDatabase(async (database) => {
  try {
    const header = await exportLog(
      database,
      // Waits when the file or pipe is slower than the database: memory stays flat.
      async (text) => {
        if (!out.write(text)) await once(out, "drain");
      },
      bar.update,
    );
    if (out !== process.stdout) await new Promise((done) => (out as ReturnType<typeof createWriteStream>).end(done));
    bar.stop();
    console.error(
      `exported ${header.events} events and ${header.userKeys} user keys${target === "-" ? "" : ` to ${target}`}`,
    );
  } finally {
    bar.stop();
  }
});
