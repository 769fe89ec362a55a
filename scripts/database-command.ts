// What the database command-line scripts share: the database of DATABASE_URL (or the embedded one,
// which must not be open in a running server), migrated; a progress bar on stderr; errors as one line.
import { Presets, SingleBar } from "cli-progress";
import type { Database } from "../lib/db/database";
import { databaseConfigFromEnvironment } from "../lib/env";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";

export function progressBar(label: string, unit: string) {
  const bar = new SingleBar(
    { format: `${label} [{bar}] {value}/{total} ${unit} {eta_formatted}`, stream: process.stderr },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done: number, total: number) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

export async function runOnDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openDatabase(databaseConfigFromEnvironment());
  try {
    await migrate(database);
    await work(database);
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}
