import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "./databases";
import { changedTables, idempotentRequestsSince, tableFingerprints } from "./table-fingerprints";

describe.each(testBackends())("table fingerprints on $name", (backend) => {
  let database: TestDatabase;
  let adminId: string;
  beforeAll(async () => {
    database = await backend.open();
    adminId = randomUUID();
    await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, 'fingerprint@rewind.test', 'x')", [
      adminId,
    ]);
    await database.query(
      "INSERT INTO api_tokens (id, name, token_hash, created_by, scopes) VALUES ($1, 'a token', 'hash', $2, '{read}')",
      [randomUUID(), adminId],
    );
  });
  afterAll(() => database.close());

  it("cover every table of the schema, migrations included", async () => {
    const { tables } = await tableFingerprints(database);
    expect(Object.keys(tables)).toEqual(
      expect.arrayContaining(["events", "users", "user_keys", "admins", "api_tokens", "_prisma_migrations"]),
    );
    expect(Object.keys(tables)).not.toContain("snapshots");
  });

  it("see a row added, changed or removed in any table", async () => {
    const before = await tableFingerprints(database);
    expect(changedTables(before, await tableFingerprints(database))).toEqual([]);

    const userId = randomUUID();
    await database.query("INSERT INTO user_keys (user_id, key) VALUES ($1, $2)", [userId, randomBytes(32)]);
    const added = await tableFingerprints(database);
    expect(changedTables(before, added)).toEqual(["user_keys (rows 0 → 1)"]);

    await database.query("UPDATE admins SET email = 'changed@rewind.test' WHERE id = $1", [adminId]);
    expect(changedTables(added, await tableFingerprints(database))).toEqual(["admins (rows 1 → 1)"]);
  });

  it("leave out what every request may touch: a token's last use", async () => {
    const before = await tableFingerprints(database);
    await database.query("UPDATE api_tokens SET last_used_at = now()");
    expect(changedTables(before, await tableFingerprints(database))).toEqual([]);
    await database.query("UPDATE api_tokens SET revoked_at = now()");
    expect(changedTables(before, await tableFingerprints(database))).toEqual(["api_tokens (rows 1 → 1)"]);
  });

  it("count idempotent requests up to an instant, and list those recorded since", async () => {
    const before = await tableFingerprints(database);
    await database.query(
      "INSERT INTO idempotent_requests (key, fingerprint, status, headers, body) VALUES ('k', 'f', 400, '{}', '')",
    );
    expect(changedTables(before, await tableFingerprints(database, { before: before.takenAt }))).toEqual([]);
    expect(changedTables(before, await tableFingerprints(database))).toEqual(["idempotent_requests (rows 0 → 1)"]);
    expect(await idempotentRequestsSince(database, before.takenAt)).toEqual([{ key: "k", status: 400 }]);
  });
});
