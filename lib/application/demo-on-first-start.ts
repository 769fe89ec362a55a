// On the first start of an empty embedded database, `npm start` shows something worth looking at.
import { databaseConfigFromEnvironment } from "../env";
import { getDatabase } from "../db";
import { seedDemoUsers } from "./users/seed-demo-users";

export async function seedDemoDataIfEmpty(): Promise<string | undefined> {
  const config = databaseConfigFromEnvironment();
  const database = await getDatabase();
  if (database.backend !== "pglite" || config.demoUsers === 0) return undefined;
  const [row] = await database.query<{ empty: boolean }>("SELECT NOT EXISTS (SELECT 1 FROM events) AS empty");
  if (!row?.empty) return undefined;
  const report = await seedDemoUsers(database, { users: config.demoUsers, months: 12, seed: 1, now: new Date() });
  return `seeded ${report.users} demo users (${report.events} events) in ${report.seconds.toFixed(1)} s`;
}
