// `npm run db:migrate`: apply pending migrations to DATABASE_URL, or to the embedded database.
import { databaseConfigFromEnvironment } from "../lib/env";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";

const config = databaseConfigFromEnvironment();
const database = await openDatabase(config);
try {
  const report = await migrate(database);
  const where = config.url ? new URL(config.url).host + new URL(config.url).pathname : config.dataDir;
  for (const name of report.applied) console.log(`applied  ${name}`);
  console.log(`${report.applied.length} applied, ${report.alreadyApplied.length} already applied (${where})`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
