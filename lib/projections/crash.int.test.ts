// A runner process killed with SIGKILL in the middle of a batch: after a restart, every event is
// applied exactly once.
import { catchUp } from "../testing/projections";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nameChangesProjection } from "../application/users/name-changes-projection";
import { createPGliteDatabase, type Database } from "../db/database";
import { migrate } from "../db/migrate";
import { openPGlite } from "../db/open";
import { createEventStore } from "../eventstore";
import { nameChangesByBruteForce, nameChangesProjected } from "../testing/name-changes";
import { testBackends } from "../testing/databases";
import { readStatus } from "./checkpoints";

const script = path.join(import.meta.dirname, "testing", "slow-runner.ts");
// The projection the runner process applies: its module and export, as the script imports them.
const projectionModule = path.join(import.meta.dirname, "..", "application", "users", "name-changes-projection.ts");

async function seedRenames(database: Database) {
  const store = createEventStore(database);
  for (let u = 0; u < 6; u++) {
    await store.appendToStream(
      `user-${randomUUID()}`,
      Array.from({ length: 6 }, (_, i) => ({
        type: i === 0 ? "user.registered" : "user.renamed",
        data: { name: `n${i}`, previousName: `n${i - 1}` },
      })),
      { expectedVersion: "no_stream" },
    );
  }
  return store;
}

async function killMidBatch(target: string) {
  const signalFile = path.join(mkdtempSync(path.join(tmpdir(), "rewind-crash-")), "in-batch");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, target, signalFile, projectionModule, "nameChangesProjection"],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise((done) => child.once("exit", done));
  for (let waited = 0; !existsSync(signalFile); waited += 50) {
    if (waited > 30_000) throw new Error("the runner never reached a batch");
    await new Promise((done) => setTimeout(done, 50));
  }
  child.kill("SIGKILL");
  await exited;
}

async function expectExactlyOnce(database: Database) {
  const store = createEventStore(database);
  await catchUp(database, store, nameChangesProjection, 10);
  const projected = await nameChangesProjected(database);
  const expected = await nameChangesByBruteForce(database);
  expect(projected).toEqual(expected);
  expect(projected.renames).toHaveLength(30);
  expect((await readStatus(database, nameChangesProjection.name))!.position).toBe(await store.headPosition());
}

describe("a runner killed mid-batch", () => {
  it("on embedded PGlite: the data directory recovers, and nothing is applied twice or lost", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "rewind-crash-")), "pglite");
    const before = createPGliteDatabase(await openPGlite(dataDir));
    await migrate(before);
    await seedRenames(before);
    await before.close();

    await killMidBatch(dataDir);

    const after = createPGliteDatabase(await openPGlite(dataDir));
    try {
      expect((await readStatus(after, nameChangesProjection.name))!.position).toBe(0);
      await expectExactlyOnce(after);
    } finally {
      await after.close();
    }
  });

  const postgres = testBackends().find((backend) => backend.name === "postgres");
  it.skipIf(!postgres)("on PostgreSQL: the killed batch rolls back, and nothing is applied twice or lost", async () => {
    const database = await postgres!.open();
    try {
      await seedRenames(database);
      await killMidBatch(database.url!);
      expect((await readStatus(database, nameChangesProjection.name))!.position).toBe(0);
      await expectExactlyOnce(database);
    } finally {
      await database.close();
    }
  });
});
