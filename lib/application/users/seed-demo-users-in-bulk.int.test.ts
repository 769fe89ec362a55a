// The bulk seeder writes what the store's seeder writes: for the same options, the same events
// (decrypted, per stream in version order, each stream's positions rising), the same metadata but
// for each event's random id, the same users rows, the same temporal index and a key per user — so
// that a benchmark seeded in bulk measures the data the commands would have made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../../testing/databases";
import { createEventStore, toRecordedEvent, type EventRow } from "../../eventstore";
import { demoPasswords } from "./demo-data";
import { verifyPassword } from "./passwords";
import { decryptPersonalData } from "./personal-data";
import { AlreadySeeded, seedDemoUsers } from "./seed-demo-users";
import { seedDemoUsersInBulk } from "./seed-demo-users-in-bulk";
import { checkUserVersions } from "./user-versions";

// Each seed hashes the demo passwords with salts of its own: a hash is compared by the password it verifies.
const passwordOfHash = new Map<string, Promise<string | undefined>>();
async function passwordOf(hash: string): Promise<string | undefined> {
  if (!passwordOfHash.has(hash))
    passwordOfHash.set(
      hash,
      (async () => {
        for (const password of demoPasswords) if (await verifyPassword(password, hash)) return password;
        return undefined;
      })(),
    );
  return passwordOfHash.get(hash);
}

const options = { users: 60, months: 6, seed: 27, now: new Date("2026-11-30T12:00:00.000Z") };

async function contentOf(database: TestDatabase) {
  const rows = await database.query<EventRow & { command_id: string | null; transaction_id: string }>(
    "SELECT *, transaction_id::text FROM events ORDER BY stream_id, version",
  );
  const events = await decryptPersonalData(database, rows.map(toRecordedEvent));
  const positionsRise = rows.every(
    (row, index) =>
      index === 0 || rows[index - 1]!.stream_id !== row.stream_id || rows[index - 1]!.position < row.position,
  );
  const sealed = rows.every((row) => !JSON.stringify(row.data).includes("@example"));
  const comparable = await Promise.all(
    events.map(async (event, index) => {
      const { eventId, ...metadata } = event.metadata;
      expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
      const { passwordHash, ...data } = event.data as { passwordHash?: string };
      const password = passwordHash === undefined ? {} : { password: await passwordOf(passwordHash) };
      return {
        ...event,
        position: undefined,
        data: { ...data, ...password },
        metadata,
        commandId: rows[index]!.command_id,
      };
    }),
  );
  expect(comparable.filter((event) => "password" in event.data && !event.data.password)).toEqual([]);
  return {
    events: comparable,
    positionsRise,
    sealed,
    distinctPositions: new Set(rows.map((row) => row.position)).size,
    users: await database.query("SELECT * FROM users ORDER BY id"),
    versions: await database.query("SELECT * FROM user_versions ORDER BY user_id, recorded_from, effective_from"),
    keys: await database.query<{ user_id: string }>("SELECT user_id FROM user_keys ORDER BY user_id"),
  };
}

describe.each(testBackends())("the bulk demo seed on $name", (backend) => {
  let slow: TestDatabase;
  let bulk: TestDatabase;
  beforeAll(async () => {
    [slow, bulk] = await Promise.all([backend.open(), backend.open()]);
    // Two databases to open and migrate: minutes on a loaded machine.
  }, 300_000);
  afterAll(async () => {
    await Promise.all([slow?.close(), bulk?.close()]);
  });

  it("writes the same events, users rows, index and keys as seeding through the store", async () => {
    const viaStore = await seedDemoUsers(slow, options);
    // Small batches, so that several transactions and the overlap of preparing and writing are exercised.
    const inBulk = await seedDemoUsersInBulk(bulk, { ...options, usersPerBatch: 7 });
    expect(inBulk).toMatchObject({ users: viaStore.users, events: viaStore.events });

    const [expected, actual] = [await contentOf(slow), await contentOf(bulk)];
    expect(actual.events.length).toBe(viaStore.events);
    expect(actual.events).toEqual(expected.events);
    expect(actual.users).toEqual(expected.users);
    expect(actual.versions).toEqual(expected.versions);
    expect(actual.keys).toEqual(expected.keys);
    expect(actual.keys.length).toBe(options.users);
    expect(actual).toMatchObject({ positionsRise: true, sealed: true, distinctPositions: viaStore.events });

    // The index verifies against the log, and the store's feed reads every event once.
    expect((await checkUserVersions(bulk, { repair: false })).differing).toEqual([]);
    const feed = await createEventStore(bulk).readAll({ limit: 10_000 });
    expect(feed.events.length).toBe(viaStore.events);
  }, 300_000);

  it("refuses to seed the same users twice", async () => {
    await expect(seedDemoUsersInBulk(bulk, options)).rejects.toBeInstanceOf(AlreadySeeded);
  });
});
