// `npm run test:e2e`: make sure Debian's chromium is there and the production build is current,
// then run Playwright on embedded PGlite — and, when TEST_DATABASE_URL names a PostgreSQL server
// (CI sets it), a second time against a new database on that server, dropped afterwards.
// Playwright's own browser download cannot work offline.
import { execSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { buildIfNeeded } from "./build-if-needed.mjs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  if (process.getuid?.() === 0) {
    console.log("Installing Debian's chromium for the browser tests…");
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", {
      stdio: "inherit",
    });
  } else {
    console.error(
      "The browser tests need Debian's chromium: run `sudo apt-get update && sudo apt-get install -y chromium`, then npm test again.",
    );
    process.exit(1);
  }
}

buildIfNeeded();

/** Runs the suite with the server on `databaseUrl` ("" for PGlite); returns Playwright's exit status. */
function playwright(databaseUrl) {
  const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, E2E_DATABASE_URL: databaseUrl },
  });
  return result.status ?? 1;
}

async function withAdmin(serverUrl, work) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** The suite against a new PostgreSQL database on the server TEST_DATABASE_URL names. */
async function onPostgres(serverUrl) {
  const name = `rewind_e2e_${randomBytes(6).toString("hex")}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () => withAdmin(serverUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  // Ctrl-C reaches Playwright too; the database is dropped before this process goes.
  const interrupted = () => drop().finally(() => process.exit(130));
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    console.log(`\nThe browser suite again, on PostgreSQL (database ${name})…`);
    // The demo users an empty embedded database gets on its first start (the tests expect them);
    // on PostgreSQL the server never seeds by itself, so the seed CLI does it, with the same options.
    const seeded = spawnSync("npx", ["tsx", "scripts/seed.ts", "--users", "200", "--months", "12", "--seed", "1"], {
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: url.toString() },
    });
    if (seeded.status !== 0) return seeded.status ?? 1;
    return playwright(url.toString());
  } finally {
    await drop();
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
}

console.log("The browser suite on embedded PGlite…");
const statuses = [playwright("")];
if (process.env.TEST_DATABASE_URL) statuses.push(await onPostgres(process.env.TEST_DATABASE_URL));
process.exit(statuses.find((status) => status !== 0) ?? 0);
