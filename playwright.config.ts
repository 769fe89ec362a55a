import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";
import { adminEmail, adminPassword, serverLogPath, sessionStatePath } from "./e2e/credentials";

const port = Number(process.env.E2E_PORT ?? 3100);
// Every run starts on a fresh database: embedded PGlite in a new directory, or the new, empty
// PostgreSQL database that scripts/e2e.mjs makes when it runs the suite a second time.
const databaseUrl = process.env.E2E_DATABASE_URL ?? "";
const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "rewind-e2e-")), "pglite");

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "sign-in",
      testMatch: /auth\.setup\.ts/,
      use: { ...devices["Desktop Chrome"], launchOptions: chromiumLaunchOptions },
    },
    {
      name: "chromium",
      dependencies: ["sign-in"],
      testIgnore: /server-log\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: chromiumLaunchOptions,
        storageState: sessionStatePath,
      },
    },
    {
      // Last: reads the server's log of the whole run.
      name: "server-log",
      dependencies: ["chromium"],
      testMatch: /server-log\.spec\.ts/,
    },
  ],
  webServer: {
    // The server's log is kept for the last project, which checks it holds no personal data or secrets.
    command: `npx next start --port ${port} 2>&1 | tee ${serverLogPath}`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "ignore",
    env: {
      REWIND_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      // The tests stand in for one reverse proxy (e2e/security.spec.ts sends X-Forwarded-Proto).
      REWIND_TRUST_PROXY: "1",
    },
  },
});
