// `npm run lint:api`: lint the OpenAPI document with Redocly (redocly.yaml) and Spectral (.spectral.yaml).
// The document is built from the code (no server needed) into a temporary file, since both linters read files.
// Any problem either linter reports, warnings included, fails the run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openApiDocument } from "../lib/http/openapi/document";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

/** Runs a linter and says whether it passed; its own report goes to the terminal. */
function passes(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    // Offline and quiet: Redocly would otherwise send usage data and look for a newer version.
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
  });
  if (run.error) throw run.error;
  return run.status === 0;
}

const directory = mkdtempSync(path.join(tmpdir(), "rewind-openapi-"));
try {
  const file = path.join(directory, "openapi.json");
  writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  const redocly = passes(bin("redocly"), [
    "lint",
    file,
    "--config",
    path.join(root, "redocly.yaml"),
    "--format",
    "stylish",
  ]);
  const spectral = passes(bin("spectral"), [
    "lint",
    file,
    "--ruleset",
    path.join(root, ".spectral.yaml"),
    "--fail-severity",
    "hint",
  ]);
  if (!redocly || !spectral) {
    console.error(
      `API lint failed: ${[!redocly && "Redocly", !spectral && "Spectral"].filter(Boolean).join(" and ")} reported problems`,
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
