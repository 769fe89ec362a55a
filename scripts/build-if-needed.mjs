// `next build` when there is no production build, or when a source file is newer than it.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const sources = [
  "app",
  "components",
  "lib",
  "prisma",
  "public",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.js",
  "postcss.config.mjs",
  "package.json",
  "tsconfig.json",
];
const ignored = /(^|\/)(generated|node_modules)(\/|$)|\.test\.tsx?$/;

function newestModification(entry) {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return ignored.test(entry) ? 0 : stats.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    const childPath = path.join(entry, child);
    if (!ignored.test(childPath)) newest = Math.max(newest, newestModification(childPath));
  }
  return newest;
}

export function buildIfNeeded() {
  let builtAt = 0;
  try {
    builtAt = statSync(path.join(".next", "BUILD_ID")).mtimeMs;
  } catch {
    // No build yet.
  }
  const changedAt = Math.max(...sources.map(newestModification));
  if (builtAt > changedAt) return;
  console.log(builtAt ? "Sources changed since the last build: building…" : "No production build yet: building…");
  const result = spawnSync("npx", ["next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();
