// Backup and restore: an export replayed into an empty database gives back the same log, the same
// users table and — rebuilt from it — the same projections, checksum for checksum; a forgotten user
// stays forgotten; and the import refuses what would not restore faithfully.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "../db";
import type { Database } from "../db/database";
import { createEventStore } from "../eventstore";
import { api } from "../testing/api";
import { testBackends, type TestDatabase } from "../testing/databases";
import { catchUp } from "../testing/projections";
import { contentChecksums, exportLog, importLog, ImportRefused } from "./backup";
import { projections } from "./projections";
import { readTransformFor } from "./services";
import { seedDemoUsers } from "./users/seed-demo-users";

const derivedTables = [
  "users",
  "user_versions",
  "user_version_counts",
  ...projections.flatMap((projection) => projection.tables),
];

async function catchUpAll(database: Database) {
  const store = createEventStore(database, { transformRead: readTransformFor(database) });
  for (const projection of projections) await catchUp(database, store, projection);
}

async function* linesOf(text: string) {
  yield* text.split("\n");
}

describe.each(testBackends())("backup and restore on $name", (backend) => {
  let source: TestDatabase;
  let exported: string;
  let forgottenEmail: string;

  beforeAll(async () => {
    source = await backend.open();
    provideDatabase(source);
    await seedDemoUsers(source, { users: 40, months: 6, seed: 11, now: new Date() });
    // Through the application too: a command with a reason, and a user forgotten.
    const [someone, forgotten] = (await api.get("/api/users?limit=2")).body.items as { id: string; email: string }[];
    expect(
      (await api.post(`/api/users/${someone!.id}/rename`, { name: "Restored Name", reason: "backup test" })).status,
    ).toBe(200);
    forgottenEmail = forgotten!.email;
    expect((await api.post(`/api/users/${forgotten!.id}/forget`)).status).toBe(200);
    await catchUpAll(source);
    const chunks: string[] = [];
    await exportLog(source, (text) => void chunks.push(text));
    exported = chunks.join("");
  }, 120_000);
  afterAll(() => closeDatabase());

  it("restores the log, the users table and every projection to identical checksums", async () => {
    const target = await backend.open();
    try {
      const progress: number[] = [];
      const report = await importLog(target, linesOf(exported), (done) => progress.push(done));
      expect(report.events).toBeGreaterThan(200);
      expect(progress.at(-1)).toBe(report.events);
      await catchUpAll(target);
      const [before, after] = [
        await contentChecksums(source, derivedTables),
        await contentChecksums(target, derivedTables),
      ];
      expect(Object.keys(after)).toEqual([
        "events",
        "users",
        "user_versions",
        "user_version_counts",
        "name_changes",
        "name_change_users",
        "name_change_last_days",
        "name_change_last_effective_days",
        "activity_daily",
        "cohort_users",
        "cohort_changes",
      ]);
      expect(after).toEqual(before);
      // The forgotten user's email is nowhere: not in the export, not in the restored tables.
      expect(exported).not.toContain(forgottenEmail);
      const [{ found }] = (await target.query<{ found: number }>(
        "SELECT count(*)::int AS found FROM users WHERE email = $1",
        [forgottenEmail],
      )) as [{ found: number }];
      expect(found).toBe(0);
      // New appends continue after the imported positions.
      const appended = await createEventStore(target).appendToStream(
        "thing-after-restore",
        [{ type: "thing.happened", data: {} }],
        {
          expectedVersion: "no_stream",
        },
      );
      expect(appended.events[0]!.position).toBeGreaterThan(report.events);
    } finally {
      await target.close();
    }
  });

  it("refuses a database that is not empty, an export cut short, and a file that is not an export", async () => {
    await expect(importLog(source, linesOf(exported))).rejects.toThrow(/already holds .* events/);
    const target = await backend.open();
    try {
      const lines = exported.trimEnd().split("\n");
      await expect(importLog(target, linesOf(lines.slice(0, lines.length - 30).join("\n")))).rejects.toBeInstanceOf(
        ImportRefused,
      );
      const another = await backend.open();
      await expect(importLog(another, linesOf('{"hello": "world"}\n'))).rejects.toThrow(/no header/);
      await another.close();
    } finally {
      await target.close();
    }
  });

  it.skipIf(backend.name !== "postgres")(
    "round-trips through `npm run db:export` and `npm run db:import`",
    async () => {
      const target = await backend.open();
      try {
        const file = path.join(mkdtempSync(path.join(tmpdir(), "rewind-backup-")), "log.ndjson");
        const run = (script: string, url: string, argument: string) =>
          execFileSync("npx", ["tsx", path.join("scripts", script), argument], {
            env: { ...process.env, DATABASE_URL: url },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
          });
        run("db-export.ts", source.url!, file);
        // The same export as the function's, but for the header's instant.
        const withoutHeader = (text: string) => text.slice(text.indexOf("\n") + 1);
        expect(withoutHeader(readFileSync(file, "utf8"))).toBe(withoutHeader(exported));
        const header = JSON.parse(readFileSync(file, "utf8").split("\n", 1)[0]!);
        expect(header.header).toMatchObject({ format: "rewind-event-log", formatVersion: 1 });
        run("db-import.ts", target.url!, file);
        await catchUpAll(target);
        expect(await contentChecksums(target, derivedTables)).toEqual(await contentChecksums(source, derivedTables));
      } finally {
        await target.close();
      }
    },
  );

  // Last: it forgets a user in the source. On PGlite the export's transaction excludes every other,
  // so no forget can answer while it runs.
  it.skipIf(backend.name !== "postgres")(
    "leaves out the key of a user forgotten while the export ran, and still restores",
    async () => {
      const [, , user] = (await api.get("/api/users?limit=3")).body.items as { id: string; email: string }[];
      const [{ key }] = (await source.query<{ key: string }>(
        "SELECT encode(key, 'base64') AS key FROM user_keys WHERE user_id = $1",
        [user!.id],
      )) as [{ key: string }];
      let reach!: () => void;
      let open!: () => void;
      const eventsBeingWritten = new Promise<void>((resolve) => (reach = resolve));
      const goOn = new Promise<void>((resolve) => (open = resolve));
      const chunks: string[] = [];
      const exporting = exportLog(source, async (text) => {
        if (chunks.length === 1) {
          reach();
          await goOn;
        }
        chunks.push(text);
      });
      await eventsBeingWritten;
      expect((await api.post(`/api/users/${user!.id}/forget`)).status).toBe(200);
      open();
      await exporting;
      const text = chunks.join("");
      expect(text).not.toContain(key);
      expect(text).toContain(JSON.stringify({ userKey: { userId: user!.id, erased: true } }));

      const target = await backend.open();
      try {
        const report = await importLog(target, linesOf(text));
        expect(report.userKeys).toBe((text.match(/"userKey"/g) ?? []).length - 1);
        expect(await target.query("SELECT user_id FROM user_keys WHERE user_id = $1", [user!.id])).toEqual([]);
        const [restored] = await target.query<{ email: string }>("SELECT email FROM users WHERE id = $1", [user!.id]);
        expect(restored?.email ?? "[erased]").toBe("[erased]");
      } finally {
        await target.close();
      }
    },
  );
});
