// An API token (or an admin's session) is looked up on every authenticated request: the lookup is
// prepared once per connection (a named statement), not parsed and planned again each time (0.12 ms
// of PostgreSQL's CPU per request under bench:api, by pg_stat_statements: as many plans as calls).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiScopes } from "@/lib/domain/access/scopes";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";
import { createApiToken, tokenPrincipal } from "./api-tokens";
import { sessionPrincipal, startSession } from "./sessions";

describe.each(testBackends())("looking up an API token on $name", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    // One connection: the statements it has prepared are the ones this test sent.
    database = await backend.open({ maxConnections: 1 });
  });
  afterAll(() => database?.close());

  it("finds the token's principal, and none for an unknown or revoked token", async () => {
    const adminId = randomUUID();
    await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, $2, 'none')", [
      adminId,
      `tokens-${adminId}@rewind.test`,
    ]);
    const { id, token } = await createApiToken(database, "lookup", apiScopes, adminId);
    expect(await tokenPrincipal(database, token)).toMatchObject({ kind: "token", tokenId: id, name: "lookup" });
    expect(await tokenPrincipal(database, `${token.slice(0, -1)}x`)).toBeUndefined();
    await database.query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [id]);
    expect(await tokenPrincipal(database, token)).toBeUndefined();
  });

  it.skipIf(backend.name === "pglite")("is a statement prepared once per connection, as a session's is", async () => {
    const adminId = randomUUID();
    await database.query("INSERT INTO admins (id, email, password_hash) VALUES ($1, $2, 'none')", [
      adminId,
      `tokens-${adminId}@rewind.test`,
    ]);
    const { token } = await createApiToken(database, "prepared", apiScopes, adminId);
    const session = await startSession(database, adminId);
    for (let round = 0; round < 2; round++) {
      expect(await tokenPrincipal(database, token)).toMatchObject({ kind: "token" });
      expect(await sessionPrincipal(database, session.token)).toMatchObject({ kind: "admin", adminId });
    }
    const prepared = await database.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE statement ~ '(api_tokens|admin_sessions s) WHERE|WHERE s.token_hash'",
    );
    expect(prepared).toHaveLength(2);
  });
});
