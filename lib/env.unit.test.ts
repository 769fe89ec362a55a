import path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseConfigFromEnvironment, parseEnvironment } from "./env";

describe("database configuration", () => {
  it("uses embedded PGlite in .data when DATABASE_URL is unset or empty", () => {
    for (const env of [{}, { DATABASE_URL: "" }]) {
      expect(databaseConfigFromEnvironment(env)).toEqual({
        url: undefined,
        replicaUrl: undefined,
        dataDir: path.resolve(".data/pglite"),
        poolSize: 20,
        demoUsers: 200,
      });
    }
  });

  it("uses the PostgreSQL server in DATABASE_URL", () => {
    const config = databaseConfigFromEnvironment({
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/rewind",
      DATABASE_POOL_SIZE: "8",
    });
    expect(config).toMatchObject({ url: "postgresql://postgres@127.0.0.1:5432/rewind", poolSize: 8 });
  });

  it("says which variable is wrong", () => {
    expect(() => databaseConfigFromEnvironment({ DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL: must be a postgres/,
    );
    expect(() => databaseConfigFromEnvironment({ DATABASE_POOL_SIZE: "0" })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() =>
      databaseConfigFromEnvironment({ DATABASE_URL: "postgresql://a/b", DATABASE_REPLICA_URL: "http://x" }),
    ).toThrow(/DATABASE_REPLICA_URL: must be a postgres/);
  });

  it("takes a replica of the PostgreSQL server, never of the embedded database", () => {
    const primary = "postgresql://postgres@db:5432/rewind";
    const replica = "postgresql://postgres@replica:5432/rewind";
    expect(databaseConfigFromEnvironment({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica }).replicaUrl).toBe(
      replica,
    );
    expect(() => databaseConfigFromEnvironment({ DATABASE_REPLICA_URL: replica })).toThrow(
      /DATABASE_REPLICA_URL: a replica needs DATABASE_URL/,
    );
  });
});

describe("the environment", () => {
  it("keeps a snapshot every 100 versions unless REWIND_SNAPSHOT_EVERY says otherwise", () => {
    expect(parseEnvironment({}).snapshotEvery).toBe(100);
    expect(parseEnvironment({ REWIND_SNAPSHOT_EVERY: "25" }).snapshotEvery).toBe(25);
  });

  it("refuses a snapshot interval that is not a positive whole number, naming the variable", () => {
    for (const value of ["0", "-5", "2.5", "often"]) {
      expect(() => parseEnvironment({ REWIND_SNAPSHOT_EVERY: value })).toThrow(
        /Invalid configuration: REWIND_SNAPSHOT_EVERY/,
      );
    }
  });

  it("parses every variable at once: one wrong value anywhere refuses the start", () => {
    expect(() => databaseConfigFromEnvironment({ REWIND_SNAPSHOT_EVERY: "0" })).toThrow(/REWIND_SNAPSHOT_EVERY/);
  });
});
