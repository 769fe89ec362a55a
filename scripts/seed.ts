// `npm run db:seed -- --users N --months M --seed S [--fast]`: deterministic demo users with histories
// in the past, into DATABASE_URL or the embedded database (which must not be open in a running server).
// --fast writes the same rows in bulk, a few thousand users per statement (for a million users).
import { seedDemoUsers } from "../lib/application/users/seed-demo-users";
import { seedDemoUsersInBulk } from "../lib/application/users/seed-demo-users-in-bulk";
import { databaseConfigFromEnvironment } from "../lib/env";
import { migrate } from "../lib/db/migrate";
import { openDatabase } from "../lib/db/open";
import { parseFlags } from "./bench/harness";

const flags = parseFlags(process.argv.slice(2));
const wholeNumber = (name: string, fallback: number) => {
  const value = Number(flags.get(name) ?? fallback);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number`);
    process.exit(2);
  }
  return value;
};
const options = {
  users: wholeNumber("users", 200),
  months: wholeNumber("months", 12),
  seed: wholeNumber("seed", 1),
  now: new Date(),
};

const database = await openDatabase(databaseConfigFromEnvironment());
try {
  await migrate(database);
  const bar = (done: number, total: number) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} users`);
  };
  const report = await (flags.has("fast") ? seedDemoUsersInBulk : seedDemoUsers)(database, options, bar);
  process.stderr.write("\n");
  console.log(
    `Seeded ${report.users} users and ${report.events} events in ${report.seconds.toFixed(1)} s (seed ${options.seed}, ${options.months} months)`,
  );
} catch (error) {
  console.error(`\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
