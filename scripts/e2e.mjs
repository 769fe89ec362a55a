// `npm run test:e2e`: make sure Debian's chromium is there and the production build is current,
// then run Playwright. Playwright's own browser download cannot work offline.
import { execSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { buildIfNeeded } from "./build-if-needed.mjs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  if (process.getuid?.() === 0) {
    console.log("Installing Debian's chromium for the browser tests…");
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
  } else {
    console.error(
      "The browser tests need Debian's chromium: run `sudo apt-get update && sudo apt-get install -y chromium`, then npm test again.",
    );
    process.exit(1);
  }
}

buildIfNeeded();
const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], { stdio: "inherit", env: process.env });
process.exit(result.status ?? 1);
