// The temporal index answers the as-of list exactly as folding every stream did: for random
// histories (commands on a few users, forgetting included), for seeded histories spread over
// months, at every event's time, a millisecond either side, between events and before the first;
// with every filter and every page. And its check finds and repairs whatever differs from the log.
// PROPERTY_SEED=<seed> replays a run, PROPERTY_RUNS=<n> runs longer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registerStartingUsers } from "../../testing/register-users";
import { testBackends, type TestDatabase } from "../../testing/databases";
import { provideTestDatabase } from "../../testing/provided-database";
import { expectSameList } from "../../testing/as-of-list-expectations";
import { forgetUser } from "./forget-user";
import { seedDemoUsers } from "./seed-demo-users";
import { executeUserCommand, type UserCommandInput } from "./user-commands";
import type { UserListQuery } from "./user-queries";
import { checkUserVersions } from "./user-versions";
import { checkUserVersionCounts } from "./user-version-counts";

const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 4);
console.log(`temporal index property: seed ${seed}, ${numRuns} runs (replay with PROPERTY_SEED=${seed})`);

const context = { actor: "test:user-versions", correlationId: "user-versions-test" };

type Step =
  | { kind: "rename"; name: string }
  | { kind: "change-email"; local: string }
  | { kind: "change-password" }
  | { kind: "deactivate" }
  | { kind: "reactivate" }
  | { kind: "forget" };

// Names that fold case differently in JavaScript and in a C-locale PostgreSQL, and a search's wildcards.
const names = fc.constantFrom("Ada", "ADA lovelace", "Élodie", "İsmail", "straße", "50% _off_", "😀 Emoji", "Grace");
const stepArbitrary: fc.Arbitrary<{ user: number; step: Step }> = fc.record({
  user: fc.integer({ min: 0, max: 3 }),
  step: fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant("rename" as const), name: names }), weight: 4 },
    {
      arbitrary: fc.record({
        kind: fc.constant("change-email" as const),
        local: fc.constantFrom("ada", "grace", "x_y"),
      }),
      weight: 2,
    },
    { arbitrary: fc.constant({ kind: "change-password" as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: "deactivate" as const }), weight: 2 },
    { arbitrary: fc.constant({ kind: "reactivate" as const }), weight: 2 },
    { arbitrary: fc.constant({ kind: "forget" as const }), weight: 1 },
  ),
});

function commandFor(userId: string, step: Step, email: (local: string) => string): UserCommandInput | "forget" {
  switch (step.kind) {
    case "rename":
      return { type: "RenameUser", userId, name: step.name };
    case "change-email":
      return { type: "ChangeEmail", userId, email: email(step.local) };
    case "change-password":
      return { type: "ChangePassword", userId, password: "long enough secret" };
    case "deactivate":
      return { type: "DeactivateUser", userId, reason: "left" };
    case "reactivate":
      return { type: "ReactivateUser", userId };
    case "forget":
      return "forget";
  }
}

/** Instants around every event: its own time (to the millisecond), one either side, and before the first. */
async function instantsAroundEvents(database: TestDatabase, most = 400): Promise<Date[]> {
  const rows = await database.query<{ recorded_at: Date }>(
    "SELECT DISTINCT recorded_at FROM events WHERE stream_type = 'user' ORDER BY recorded_at",
  );
  const step = Math.max(1, Math.floor(rows.length / most));
  const times = rows.filter((_, index) => index % step === 0).map((row) => row.recorded_at.getTime());
  const instants = new Set([
    times[0]! - 60_000,
    ...times.flatMap((time) => [time - 1, time, time + 1]),
    Date.now() + 1000,
  ]);
  return [...instants].sort((a, b) => a - b).map((time) => new Date(time));
}

const queries = (domain: string): Omit<UserListQuery, "at" | "knownAt" | "cursor">[] => [
  { limit: 2 },
  { limit: 3, status: "active" },
  { limit: 2, status: "deactivated" },
  { limit: 2, q: "ada" },
  { limit: 5, q: "É" },
  { limit: 5, q: "ss" },
  { limit: 5, q: "%" },
  { limit: 5, q: "_" },
  { limit: 5, q: "[erased]" },
  { limit: 5, q: domain, status: "active" },
];

describe.each(testBackends())("the temporal index of user versions on $name", (backend) => {
  const database = provideTestDatabase(backend);

  it("answers the as-of list exactly as the fold, for random commands on a few users", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 14 }), async (steps) => {
        const domain = `run${++run}-${backend.name}-${Date.now()}.example`;
        const ids = await registerStartingUsers(4, domain, context);
        for (const { user, step } of steps) {
          const command = commandFor(ids[user]!, step, (local) => `${local}@u${user}.${domain}`);
          // Refusals (a deactivated user renamed, a forgotten one changed…) are part of random histories.
          if (command === "forget") await forgetUser(ids[user]!, context);
          else await executeUserCommand(command, context).catch(() => undefined);
        }
        const since = await database().query<{ recorded_at: Date }>(
          "SELECT recorded_at FROM events WHERE stream_id = ANY($1::text[]) ORDER BY recorded_at",
          [ids.map((id) => `user-${id}`)],
        );
        const times = since.map((row) => row.recorded_at.getTime());
        const instants = [times[0]! - 1, ...times.flatMap((time) => [time, time + 1])].map((time) => new Date(time));
        for (const at of instants) for (const query of queries(domain)) await expectSameList(database(), query, at);
        // The totals' counts, kept by each append, are what the rows make (decision 030).
        expect(await checkUserVersionCounts(database(), { repair: false })).toBe(0);
      }),
      { numRuns, seed },
    );
  }, 300_000);

  it("answers exactly as the fold over seeded histories, at every event's time, either side of it and before the first", async () => {
    await seedDemoUsers(database(), { users: 60, months: 6, seed: 31, now: new Date() });
    for (const at of await instantsAroundEvents(database(), 25)) {
      for (const query of [{ limit: 25 }, { limit: 9, status: "deactivated" as const }, { limit: 20, q: "an" }]) {
        await expectSameList(database(), query, at);
      }
    }
  }, 300_000);

  it("finds what differs from the log and repairs it, and then finds nothing", async () => {
    expect((await checkUserVersions(database(), { repair: false })).differing).toEqual([]);
    // Reopening a row's effective interval differs from the log only for a user with a closed one: at least two versions.
    const [third] = await database().query<{ user_id: string }>(
      "SELECT user_id::text AS user_id FROM user_versions GROUP BY user_id HAVING count(*) > 1 ORDER BY user_id LIMIT 1",
    );
    const [first, second] = await database().query<{ user_id: string }>(
      "SELECT DISTINCT user_id::text AS user_id FROM user_versions WHERE user_id <> $1::uuid ORDER BY user_id LIMIT 2",
      [third!.user_id],
    );
    await database().query("DELETE FROM user_versions WHERE user_id = $1 AND version = 1", [first!.user_id]);
    await database().query(
      "UPDATE user_versions SET name = 'Someone else', name_lower = 'someone else' WHERE user_id = $1",
      [second!.user_id],
    );
    await database().query("UPDATE user_versions SET effective_to = NULL WHERE user_id = $1", [third!.user_id]);
    const orphan = crypto.randomUUID();
    await database().query(
      `INSERT INTO user_versions (user_id, version, name, name_lower, email, status, created_at, updated_at, registered_at,
                                  recorded_from, effective_from)
       VALUES ($1, 1, 'Nobody', 'nobody', 'nobody@example.com', 'active', now(), now(), now(), now(), now())`,
      [orphan],
    );

    // And a count of the totals that no row makes.
    await database().query(
      `INSERT INTO user_version_counts (grain, known_at, effective_at, status, users) VALUES ('day', '2001-01-01', '2001-01-01', 'active', 7)`,
    );

    const found = await checkUserVersions(database(), { repair: false });
    expect(found.differing.sort()).toEqual([first!.user_id, second!.user_id, third!.user_id].sort());
    expect(found.orphans).toBe(1);
    expect(found.countsDiffering).toBeGreaterThan(1);
    const repaired = await checkUserVersions(database(), { repair: true });
    expect(repaired.differing.sort()).toEqual(found.differing);
    expect(repaired.stillDiffering).toEqual([]);
    expect(await checkUserVersions(database(), { repair: false })).toMatchObject({
      differing: [],
      orphans: 0,
      countsDiffering: 0,
    });
    await expectSameList(database(), { limit: 10 }, new Date());
    await expectSameList(database(), { limit: 10, status: "deactivated" }, new Date());
  }, 120_000);
});
