// Many writers on one user at once: without If-Match every command succeeds (last writer wins), with
// If-Match exactly one does; and a refused command leaves nothing behind, not even a key.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/application/services";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { userStreamId } from "@/lib/domain/users";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const writers = 64;

describe.each(testBackends())("concurrent commands on $name", (backend) => {
  let database: TestDatabase;
  const register = async () => {
    const response = await api.post("/api/users", newUserInput());
    expect(response.status).toBe(201);
    return response.body as { id: string; version: number };
  };

  /** Rows in every table of ours: what a refused command must leave as it found it. */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await database.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
        ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      counts[name] = (await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`))[0]!.n;
    }
    return counts;
  }

  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
  });
  afterAll(() => closeDatabase());

  it(`${writers} simultaneous renames without If-Match all succeed, each once in a gap-free stream`, async () => {
    const user = await register();
    const names = Array.from({ length: writers }, (_, index) => `Racer ${index}`);
    const answers = await Promise.all(names.map((name) => api.post(`/api/users/${user.id}/rename`, { name })));

    expect(answers.map((answer) => (answer.status === 200 ? 200 : `${answer.status} ${answer.text}`))).toEqual(
      names.map(() => 200),
    );
    const versions = answers.map((answer) => answer.body.version as number);
    expect([...versions].sort((a, b) => a - b)).toEqual(names.map((_, index) => index + 2));
    answers.forEach((answer, index) => expect(answer.body.name).toBe(names[index]));

    const { store } = await getServices();
    const events = await store.readStream(userStreamId(user.id));
    expect(events.map((event) => event.version)).toEqual(Array.from({ length: writers + 1 }, (_, index) => index + 1));
    // Each acknowledged rename is in the log exactly once, at the version its answer gave.
    for (const [index, name] of names.entries()) {
      const recorded = events.filter((event) => event.type === "user.renamed" && event.data.name === name);
      expect(recorded.map((event) => event.version)).toEqual([versions[index]]);
    }
    const final = await api.get(`/api/users/${user.id}`);
    expect(final.body.version).toBe(writers + 1);
  });

  it("renames without If-Match land while another process keeps appending to the same user", async () => {
    const user = await register();
    const streamId = userStreamId(user.id);
    const { store } = await getServices();
    // Another server process, as this one sees it: appends that do not take turns here.
    let outsiderAppends = 0;
    let stop = false;
    const outsider = (async () => {
      while (!stop) {
        await store.appendToStream(
          streamId,
          [
            {
              type: "user.renamed",
              data: { name: `Outsider ${outsiderAppends}`, previousName: "?" },
              metadata: { schemaVersion: 1 },
            },
          ],
          { expectedVersion: "any" },
        );
        outsiderAppends++;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 40));
      }
    })();
    const names = Array.from({ length: 16 }, (_, index) => `Insider ${index}`);
    const answers = await Promise.all(names.map((name) => api.post(`/api/users/${user.id}/rename`, { name })));
    stop = true;
    await outsider;

    expect(answers.map((answer) => (answer.status === 200 ? 200 : `${answer.status} ${answer.text}`))).toEqual(
      names.map(() => 200),
    );
    expect(outsiderAppends).toBeGreaterThan(0);
    const events = await store.readStream(streamId);
    expect(events.map((event) => event.version)).toEqual(
      Array.from({ length: 1 + names.length + outsiderAppends }, (_, index) => index + 1),
    );
    for (const [index, name] of names.entries()) {
      const recorded = events.filter((event) => event.type === "user.renamed" && event.data.name === name);
      expect(recorded.map((event) => event.version)).toEqual([answers[index]!.body.version]);
    }
  });

  it("a key stored meanwhile by a concurrent command fails the append as a lost race: the command tries again and lands", async () => {
    // A user from before encryption: plain-text events, no key yet; their first rename brings one.
    const userId = randomUUID();
    const streamId = userStreamId(userId);
    const { store } = await getServices();
    await store.appendToStream(
      streamId,
      [
        {
          type: "user.registered",
          data: { userId, name: "Plain Old", email: `plain-${userId}@example.com`, passwordHash: "x" },
          metadata: { schemaVersion: 1 },
        },
      ],
      { expectedVersion: "no_stream" },
    );
    // Another command storing this user's key at the very moment of the append, once.
    await database.exec(`
      CREATE SEQUENCE IF NOT EXISTS key_race_once;
      CREATE OR REPLACE FUNCTION key_race() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.stream_id = '${streamId}' AND NEW.version = 2 AND nextval('key_race_once') = 1 THEN
          INSERT INTO user_keys (user_id, key) VALUES ('${userId}', '\\x00');
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER key_race BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION key_race();`);
    try {
      const renamed = await api.post(`/api/users/${userId}/rename`, { name: "Plain New" });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: "Plain New", version: 2 });
    } finally {
      await database.exec("DROP TRIGGER key_race ON events; DROP FUNCTION key_race();");
    }
    // Two appends tried (the first refused with everything it wrote, the key it met included), then this nextval.
    expect((await database.query<{ n: number }>("SELECT nextval('key_race_once')::int AS n"))[0]!.n).toBe(3);
    expect(await database.query("SELECT 1 FROM user_keys WHERE user_id = $1", [userId])).toHaveLength(1);
    const events = await store.readStream(streamId);
    expect(events.map((event) => [event.version, event.data.name])).toEqual([
      [1, "Plain Old"],
      [2, "Plain New"],
    ]);
  });

  it(`${writers} simultaneous renames with the same If-Match: exactly one succeeds, every other gets 412`, async () => {
    const user = await register();
    const answers = await Promise.all(
      Array.from({ length: writers }, (_, index) =>
        api.post(`/api/users/${user.id}/rename`, { name: `Matcher ${index}` }, { headers: { "if-match": '"1"' } }),
      ),
    );
    const won = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.version).toBe(2);
    expect(new Set(refused.map((answer) => answer.status))).toEqual(new Set([412]));
    for (const answer of refused) {
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(answer.body.currentVersion).toBe(2);
    }
    const { store } = await getServices();
    expect((await store.readStream(userStreamId(user.id))).map((event) => event.version)).toEqual([1, 2]);
  });

  it("a refused registration (email taken, invalid) leaves no key and no other row behind", async () => {
    const taken = newUserInput();
    expect((await api.post("/api/users", taken)).status).toBe(201);
    const before = await rowCounts();

    expect((await api.post("/api/users", newUserInput({ email: taken.email }))).status).toBe(409);
    expect((await api.post("/api/users", newUserInput({ email: taken.email.toUpperCase() }))).status).toBe(409);
    expect((await api.post("/api/users", newUserInput({ name: " " }))).status).toBe(400);
    expect((await api.post("/api/users", newUserInput({ email: "not an address" }))).status).toBe(400);

    expect(await rowCounts()).toEqual(before);
  });

  it("of simultaneous registrations with one email, the losers leave no key behind", async () => {
    const before = await rowCounts();
    const email = newUserInput().email;
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.post("/api/users", newUserInput({ email }))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);

    const after = await rowCounts();
    expect(after.user_keys).toBe(before.user_keys! + 1);
    expect(after.users).toBe(before.users! + 1);
    expect(after.events).toBe(before.events! + 1);
    const [winner] = answers.filter((answer) => answer.status === 201);
    const keys = await database.query("SELECT 1 FROM user_keys WHERE user_id = $1", [winner!.body.id]);
    expect(keys).toHaveLength(1);
  });
});
