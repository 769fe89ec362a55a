// `npm run db:user-versions -- [--repair]`: compares the temporal index of user versions with what
// the event log makes, user by user, and with --repair rewrites the users that differ (and deletes
// rows of users the log does not know); then the index's counts with its rows (rebuilt with
// --repair). Exits 1 when differences remain. Against DATABASE_URL, or the embedded database when
// no server holds it.
import { checkUserVersions } from "../lib/application/users/user-versions";
import { progressBar, runOnDatabase } from "./database-command";

const repair = process.argv.includes("--repair");
const bar = progressBar(repair ? "repair" : "verify", "users");

await runOnDatabase(async (database) => {
  try {
    const check = await checkUserVersions(database, { repair, onProgress: bar.update });
    bar.stop();
    const differing = check.differing.length;
    console.log(
      `${check.users} users compared with the log: ${differing} differed${repair && differing > 0 ? " (rewritten)" : ""}, ` +
        `${check.orphans} without events${repair && check.orphans > 0 ? " (deleted)" : ""}; ` +
        `${check.countsDiffering} of its counts differed${repair && check.countsDiffering > 0 ? " (rebuilt)" : ""}`,
    );
    if (!repair && differing > 0)
      console.log(`first ones: ${check.differing.slice(0, 10).join(", ")} — run with --repair`);
    if (check.stillDiffering.length > 0) {
      console.log(
        `${check.stillDiffering.length} changed while being rewritten: run again (${check.stillDiffering.slice(0, 10).join(", ")})`,
      );
    }
    const remaining = repair ? check.stillDiffering.length : differing + check.orphans + check.countsDiffering;
    if (remaining > 0) process.exitCode = 1;
  } finally {
    bar.stop();
  }
});
