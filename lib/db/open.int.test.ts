import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEventStore } from "../eventstore";
import { migrate } from "./migrate";
import { EmbeddedDatabaseBusy, openDatabase } from "./open";

const embeddedConfig = (dataDir: string) => ({
  url: undefined,
  replicaUrl: undefined,
  dataDir,
  poolSize: 1,
  demoUsers: 0,
});

describe("embedded PGlite on disk", () => {
  it("keeps its data across a restart", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "rewind-open-")), "pglite");
    const first = await openDatabase(embeddedConfig(dataDir));
    await migrate(first);
    await createEventStore(first).appendToStream("user-kept", [{ type: "kept", data: { n: 1 } }], {
      expectedVersion: "no_stream",
    });
    await first.close();

    const second = await openDatabase(embeddedConfig(dataDir));
    try {
      expect((await migrate(second)).applied).toEqual([]);
      const events = await createEventStore(second).readStream("user-kept");
      expect(events.map((e) => [e.type, e.data])).toEqual([["kept", { n: 1 }]]);
    } finally {
      await second.close();
    }
  });

  it("refuses a data directory another live process holds, and takes over one a dead process left", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "rewind-open-")), "pglite");
    const holder = spawn("sleep", ["30"]);
    try {
      await writeFile(`${dataDir}.pid`, String(holder.pid));
      await expect(openDatabase(embeddedConfig(dataDir))).rejects.toBeInstanceOf(EmbeddedDatabaseBusy);
      await expect(openDatabase(embeddedConfig(dataDir))).rejects.toThrow(new RegExp(`open in process ${holder.pid}`));
    } finally {
      holder.kill();
      await new Promise((done) => holder.once("exit", done));
    }
    const database = await openDatabase(embeddedConfig(dataDir));
    await database.close();
  });
});
