// The migrations folder and schema.prisma describe one schema. Prisma's own schema engine compares
// the database the migrations produce with schema.prisma and prints the SQL that would reconcile them.
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteDatabase, type PGliteDatabase } from "./database";
import { migrate } from "./migrate";
import { openPGlite } from "./open";
import { driftFromSchema } from "./schema-engine";

// Runs on PGlite: the engine's introspection through @prisma/adapter-pg cannot read PostgreSQL's
// internal "char" columns (docs/decisions/002-own-migration-runner.md); PGlite is the same PostgreSQL.
const statementsIn = (script: string) =>
  script
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("--"))
    .join("\n");

describe("schema drift", () => {
  let database: PGliteDatabase;
  beforeAll(async () => {
    database = createPGliteDatabase(await openPGlite(undefined));
    await migrate(database);
  });
  afterAll(() => database?.close());

  it("the migrations produce exactly the schema in schema.prisma", async () => {
    expect(statementsIn(await driftFromSchema(new PrismaPGlite(database.pglite)))).toBe("");
  });

  it("would notice a difference (the check can fail)", async () => {
    await database.exec(`DROP INDEX "events_type_recorded_at_idx"`);
    const drift = statementsIn(await driftFromSchema(new PrismaPGlite(database.pglite)));
    expect(drift).toContain(`CREATE INDEX "events_type_recorded_at_idx"`);
  });
});
