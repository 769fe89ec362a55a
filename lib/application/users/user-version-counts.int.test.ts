// The totals' counts (decision 030) under concurrency: registrations that all update the same day's
// count, changes of status, backdated renames and forgets, racing each other and a repair that
// rebuilds the counts. Nothing fails (no deadlock, no lost update), and afterwards the counts are
// exactly what the rows make and the lists, totals included, exactly the fold's.
import { describe, expect, it } from "vitest";
import { testBackends } from "../../testing/databases";
import { provideTestDatabase } from "../../testing/provided-database";
import { registerStartingUsers } from "../../testing/register-users";
import { expectSameList } from "../../testing/as-of-list-expectations";
import { forgetUser } from "./forget-user";
import { executeUserCommand, type UserCommandInput } from "./user-commands";
import { checkUserVersionCounts } from "./user-version-counts";
import { checkUserVersions } from "./user-versions";

const context = { actor: "test:user-version-counts", correlationId: "user-version-counts-test" };

describe.each(testBackends())("the as-of totals' counts under concurrency on $name", (backend) => {
  const database = provideTestDatabase(backend);

  // Whole lists, totals included, of each status: what the counts answer and what the fold gives.
  async function expectListsAsFolded(at: Date) {
    for (const status of [undefined, "active", "deactivated"] as const)
      await expectSameList(database(), { limit: 25, ...(status ? { status } : {}) }, at);
  }

  it("stay exact when registrations, changes of status, backdated renames, forgets and a repair race", async () => {
    const domain = `race-${backend.name}-${Date.now()}.example`;
    const ids = await registerStartingUsers(12, domain, context);
    const before = new Date();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    const command = (index: number): Promise<unknown> => {
      const userId = ids[index % ids.length]!;
      const commands: (UserCommandInput | "forget")[] = [
        {
          type: "RegisterUser",
          userId: crypto.randomUUID(),
          name: `Racer ${index}`,
          email: `racer${index}@${domain}`,
          password: "long enough secret",
        },
        { type: "DeactivateUser", userId, reason: "race" },
        { type: "ReactivateUser", userId },
        { type: "RenameUser", userId, name: `Renamed ${index}` },
        { type: "RenameUser", userId, name: `Backdated ${index}`, effectiveAt: earlier },
        "forget",
      ];
      const chosen = commands[index % commands.length]!;
      // Refusals (a forgotten user deactivated, a backdating before a status change…) belong to a race.
      return (chosen === "forget" ? forgetUser(userId, context) : executeUserCommand(chosen, context)).catch(
        (error: unknown) => {
          if (error instanceof Error && /deadlock|could not serialize|duplicate key/i.test(error.message)) throw error;
        },
      );
    };
    const racing = Array.from({ length: 60 }, (_, index) => command(index));
    const repairing = checkUserVersionCounts(database(), { repair: true }).then(() =>
      checkUserVersionCounts(database(), { repair: true }),
    );
    await Promise.all([...racing, repairing]);

    const check = await checkUserVersions(database(), { repair: false });
    expect(check.differing).toEqual([]);
    expect(check.countsDiffering).toBe(0);
    for (const at of [before, new Date(Date.now() + 1000)]) await expectListsAsFolded(at);
  }, 120_000);

  it("the check finds a count that no row makes, and a row whose count is missing", async () => {
    await database().query(
      "UPDATE user_version_counts SET users = users + 1 WHERE grain = 'day' AND status = 'active' AND known_at = (SELECT max(known_at) FROM user_version_counts WHERE grain = 'day')",
    );
    await database().query(
      "DELETE FROM user_version_counts WHERE grain = 'instant' AND known_at = (SELECT max(known_at) FROM user_version_counts WHERE grain = 'instant')",
    );
    expect(await checkUserVersionCounts(database(), { repair: false })).toBeGreaterThanOrEqual(2);
    expect(await checkUserVersionCounts(database(), { repair: true })).toBeGreaterThanOrEqual(2);
    expect(await checkUserVersionCounts(database(), { repair: false })).toBe(0);
    await expectListsAsFolded(new Date(Date.now() + 1000));
  }, 60_000);
});
