// A command reads its user's key once, within its fold's own statement: the fold decrypts the stream
// with it and the new events are encrypted with the same key (docs/BENCHMARKS.md, bench:api).
// Counted on the statements sent.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { closeDatabase, provideDatabase } from "@/lib/db";
import type { Database, Statement } from "@/lib/db/database";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const context = { actor: "test:key-read-once", correlationId: "key-read-once" };

/** The database, with every statement sent through it (outside transactions) written down. */
function recording(database: Database): { database: Database; sent: string[] } {
  const sent: string[] = [];
  const recorded: Database = Object.create(database) as Database;
  recorded.query = (statement: Statement | string, values?: unknown[]) => {
    sent.push(typeof statement === "string" ? statement : statement.text);
    return database.query(statement, values);
  };
  return { database: recorded, sent };
}

const readsOfKeys = (sent: string[]) => sent.filter((text) => /\bSELECT\b[^;]*\bFROM user_keys\b/i.test(text));

/** What each statement a command sent was, wake-ups of other processes (sent a moment later) left out. */
const kindsOf = (sent: string[]) =>
  sent
    .filter((text) => !/pg_notify/.test(text))
    .map((text) =>
      /FROM snapshots[\s\S]*FROM user_keys/.test(text)
        ? "fold with the key"
        : /^\s*WITH appended AS \(\s*INSERT INTO events/.test(text)
          ? "append"
          : text.trim().slice(0, 60),
    );

describe.each(testBackends())("a command reads its user's key once, on $name", (backend) => {
  let database: TestDatabase;
  let statements: ReturnType<typeof recording>;
  beforeAll(async () => {
    database = await backend.open();
    statements = recording(database);
    provideDatabase(statements.database);
  });
  afterAll(() => closeDatabase());

  it("decrypts the stream and encrypts the rename with one read of the key, and the names are right", async () => {
    const tag = randomUUID().slice(0, 8);
    const [first, second] = await Promise.all(
      ["Ada", "Grace"].map(
        async (name) =>
          (await api.post("/api/users", newUserInput({ name: `${name} ${tag}`, email: `${name}.${tag}@example.com` })))
            .body as { id: string },
      ),
    );
    // A rename after a rename: the fold has sealed events to decrypt, the command has a name to seal.
    await executeUserCommand({ type: "RenameUser", userId: first!.id, name: `Ada Renamed ${tag}` }, context);
    statements.sent.length = 0;
    const { user } = await executeUserCommand(
      { type: "RenameUser", userId: first!.id, name: `Ada Twice ${tag}` },
      context,
    );
    expect(user.name).toBe(`Ada Twice ${tag}`);
    expect(readsOfKeys(statements.sent)).toHaveLength(1);
    // State and key in one round trip, then the append: two statements for a rename.
    expect(kindsOf(statements.sent)).toEqual(["fold with the key", "append"]);

    // Each command keeps only its own keys: the other user's rename reads theirs, and both read back.
    statements.sent.length = 0;
    await executeUserCommand({ type: "RenameUser", userId: second!.id, name: `Grace Renamed ${tag}` }, context);
    expect(readsOfKeys(statements.sent).length).toBeGreaterThanOrEqual(1);
    const history = (await api.get(`/api/users/${first!.id}/events`)).body as { items: { data: { name?: string } }[] };
    expect(history.items.map((event) => event.data.name).filter(Boolean)).toEqual([
      `Ada ${tag}`,
      `Ada Renamed ${tag}`,
      `Ada Twice ${tag}`,
    ]);
    expect(((await api.get(`/api/users/${second!.id}`)).body as { name: string }).name).toBe(`Grace Renamed ${tag}`);
  });
});
