import { afterEach, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "./database";
import { migrate, MigrationError, migrationChecksum, readMigrations, type MigrationFile } from "./migrate";
import { testBackends, type TestDatabase } from "../testing/databases";

interface HistoryRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const history = (database: TestDatabase) =>
  database.query<HistoryRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );

describe.each(testBackends())("migration runner on $name", (backend) => {
  const opened: TestDatabase[] = [];
  const open = async () => {
    const database = await backend.open({ migrated: false });
    opened.push(database);
    return database;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
  });

  it("applies every migration and records it as prisma migrate deploy does", async () => {
    const database = await open();
    const files = await readMigrations();
    expect(files.length).toBeGreaterThan(0);

    const report = await migrate(database);

    expect(report).toEqual({ applied: files.map((f) => f.name), alreadyApplied: [] });
    const rows = await history(database);
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((f) => f.name));
    for (const [index, row] of rows.entries()) {
      expect(row.checksum).toBe(files[index]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const [table] = await database.query("SELECT to_regclass('public.events') IS NOT NULL AS exists");
    expect(table).toEqual({ exists: true });
  });

  it("is safe to run twice: the second run applies nothing", async () => {
    const database = await open();
    await migrate(database);
    const second = await migrate(database);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBeGreaterThan(0);
    expect((await history(database)).length).toBe(second.alreadyApplied.length);
  });

  it("is safe to run twice at once: each migration is applied exactly once", async () => {
    const database = await open();
    // On PostgreSQL the two runs use separate pools, as two processes would.
    const other = database.url ? createPostgresDatabase(database.url, { maxConnections: 2 }) : database;
    try {
      const reports = await Promise.all([migrate(database), migrate(other)]);
      const applied = reports.flatMap((report) => report.applied);
      const files = await readMigrations();
      expect([...applied].sort()).toEqual(files.map((f) => f.name).sort());
      expect((await history(database)).length).toBe(files.length);
    } finally {
      if (other !== database) await other.close();
    }
  });

  it("reports a migration modified after it was applied, and changes nothing", async () => {
    const database = await open();
    await migrate(database);
    const files = await readMigrations();
    const tampered: MigrationFile[] = files.map((file, index) =>
      index === 0
        ? { ...file, sql: `${file.sql}\n-- edited`, checksum: migrationChecksum(`${file.sql}\n-- edited`) }
        : file,
    );

    const run = migrate(database, tampered);

    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toThrow(new RegExp(`${files[0]!.name} was modified after it was applied`));
    expect((await history(database)).map((row) => row.checksum)).toEqual(files.map((f) => f.checksum));
  });

  it("rolls a failing migration back whole, records why, and applies it once fixed", async () => {
    const database = await open();
    const files = await readMigrations();
    const broken: MigrationFile = {
      name: "99999999999999_broken",
      sql: "CREATE TABLE half_done (id int);\nSELECT no_such_function();",
      checksum: migrationChecksum("x"),
    };

    await expect(migrate(database, [...files, broken])).rejects.toThrow(
      /99999999999999_broken failed and was rolled back/,
    );

    const [leftover] = await database.query("SELECT to_regclass('public.half_done') IS NOT NULL AS exists");
    expect(leftover).toEqual({ exists: false });
    const failed = (await history(database)).find((row) => row.migration_name === broken.name)!;
    expect(failed.rolled_back_at).toBeInstanceOf(Date);
    expect(failed.logs).toMatch(/no_such_function/);

    const fixed = {
      ...broken,
      sql: "CREATE TABLE half_done (id int);",
      checksum: migrationChecksum("CREATE TABLE half_done (id int);"),
    };
    expect((await migrate(database, [...files, fixed])).applied).toEqual([fixed.name]);
  });
});
