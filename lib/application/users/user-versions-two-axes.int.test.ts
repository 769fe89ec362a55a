// The temporal index on both time axes answers the list exactly as a brute-force fold: for random
// histories with backdated changes and corrections (a change effective at the instant of an earlier
// one), at many (effective, known) pairs — event instants, a millisecond either side, before the
// first, now — with filters and every page; and what the appends wrote is what the log makes.
// PROPERTY_SEED=<seed> replays a run, PROPERTY_RUNS=<n> runs longer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { registerStartingUsers } from "../../testing/register-users";
import { testBackends, type TestDatabase } from "../../testing/databases";
import { provideTestDatabase } from "../../testing/provided-database";
import { listUsersByFoldingOnTwoAxes } from "../../testing/users-as-of-fold";
import { forgetUser } from "./forget-user";
import { executeUserCommand, type UserCommandInput } from "./user-commands";
import { decodeCursor, listUsers, type UserListQuery } from "./user-queries";
import { checkUserVersions } from "./user-versions";

const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 4);
console.log(`two-axes index property: seed ${seed}, ${numRuns} runs (replay with PROPERTY_SEED=${seed})`);

const context = { actor: "test:user-versions-two-axes", correlationId: "user-versions-two-axes-test" };

type Change =
  | { kind: "rename"; name: string }
  | { kind: "change-email"; local: string }
  | { kind: "deactivate" }
  | { kind: "reactivate" }
  | { kind: "change-password" }
  | { kind: "forget" };
/** When a change took effect: when recorded, at an earlier event's effective instant (a correction), or part way since registration. */
type Backdate = { kind: "none" } | { kind: "correction"; event: number } | { kind: "between"; fraction: number };

const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant("rename" as const), name: fc.constantFrom("Ada", "Élodie", "Grace") }),
    weight: 5,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("change-email" as const), local: fc.constantFrom("ada", "grace") }),
    weight: 2,
  },
  { arbitrary: fc.constant({ kind: "deactivate" as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: "reactivate" as const }), weight: 3 },
  { arbitrary: fc.constant({ kind: "change-password" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "forget" as const }), weight: 1 },
);
const backdateArbitrary: fc.Arbitrary<Backdate> = fc.oneof(
  { arbitrary: fc.constant({ kind: "none" as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("correction" as const), event: fc.nat(20) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("between" as const),
      fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    weight: 3,
  },
);
const stepArbitrary = fc.record({ user: fc.nat(2), change: changeArbitrary, backdate: backdateArbitrary });

function commandFor(
  userId: string,
  change: Change,
  email: string,
  effectiveAt: string | undefined,
): UserCommandInput | "forget" {
  const dated = effectiveAt === undefined ? {} : { effectiveAt };
  switch (change.kind) {
    case "rename":
      return { type: "RenameUser", userId, name: change.name, ...dated };
    case "change-email":
      return { type: "ChangeEmail", userId, email, ...dated };
    case "deactivate":
      return { type: "DeactivateUser", userId, reason: "left", ...dated };
    case "reactivate":
      return { type: "ReactivateUser", userId, ...dated };
    case "change-password":
      return { type: "ChangePassword", userId, password: "long enough secret" };
    case "forget":
      return "forget";
  }
}

/** The user's events' effective instants (milliseconds), in version order. */
async function effectiveInstants(database: TestDatabase, userId: string): Promise<number[]> {
  const rows = await database.query<{ recorded_at: Date; effective_at: string | null }>(
    "SELECT recorded_at, data->>'effectiveAt' AS effective_at FROM events WHERE stream_id = $1 ORDER BY version",
    [`user-${userId}`],
  );
  return rows.map((row) => (row.effective_at ? Date.parse(row.effective_at) : row.recorded_at.getTime()));
}

async function effectiveAtFor(database: TestDatabase, userId: string, backdate: Backdate): Promise<string | undefined> {
  if (backdate.kind === "none") return undefined;
  const instants = await effectiveInstants(database, userId);
  if (backdate.kind === "correction") return new Date(instants[backdate.event % instants.length]!).toISOString();
  const registered = instants[0]!;
  return new Date(Math.floor(registered + backdate.fraction * (Date.now() - 1 - registered))).toISOString();
}

/** Every page of the list, following the cursors: the index's answer and the fold's must agree page by page. */
async function expectSameList(
  database: TestDatabase,
  query: Omit<UserListQuery, "at" | "knownAt" | "cursor">,
  point: { at?: Date; knownAt?: Date },
) {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const position = cursor === undefined ? undefined : decodeCursor(cursor);
    const fromIndex = await listUsers({ ...query, ...point }, position);
    const folded = await listUsersByFoldingOnTwoAxes(database, query, point, position);
    const label = `${JSON.stringify(query)} effective ${point.at?.toISOString() ?? "-"} known ${point.knownAt?.toISOString() ?? "now"}, page ${page}`;
    expect(fromIndex, label).toEqual(folded);
    if (!fromIndex.nextCursor) return;
    cursor = fromIndex.nextCursor;
  }
}

/** Up to `most` of the instants, spread evenly, always with the first and the last. */
const spread = <T>(instants: T[], most: number) =>
  instants.length <= most
    ? instants
    : instants.filter((_, index) => index % Math.ceil(instants.length / most) === 0 || index === instants.length - 1);

describe.each(testBackends())("the temporal index on two time axes on $name", (backend) => {
  const database = provideTestDatabase(backend);

  it("answers the list at any effective instant as known at any instant exactly as the fold, for histories with backdated changes", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 12 }), async (steps) => {
        const domain = `run${++run}-${backend.name}-${Date.now()}.example`;
        const ids = await registerStartingUsers(3, domain, context);
        for (const { user, change, backdate } of steps) {
          const userId = ids[user]!;
          const effectiveAt = await effectiveAtFor(database(), userId, backdate);
          const command = commandFor(userId, change, `${change.kind}${user}@u${user}.${domain}`, effectiveAt);
          // Refusals (a change the effective history does not allow, a forgotten user changed…) are part of random histories.
          if (command === "forget") await forgetUser(userId, context);
          else await executeUserCommand(command, context).catch(() => undefined);
        }
        const recorded = await database().query<{ recorded_at: Date }>(
          "SELECT recorded_at FROM events WHERE stream_id = ANY($1::text[]) ORDER BY recorded_at",
          [ids.map((id) => `user-${id}`)],
        );
        const effective = (await Promise.all(ids.map((id) => effectiveInstants(database(), id)))).flat();
        const times = [...new Set([...recorded.map((row) => row.recorded_at.getTime()), ...effective])].sort(
          (a, b) => a - b,
        );
        const instants = [times[0]! - 1, ...times.flatMap((time) => [time, time + 1])].map((time) => new Date(time));
        const known = [...spread(instants, 10), undefined];
        const effectiveAt = [...spread(instants, 10), undefined];
        for (const knownAt of known) {
          for (const at of effectiveAt) {
            if (!at && !knownAt) continue;
            for (const query of [
              { limit: 2 },
              { limit: 2, status: "deactivated" as const },
              { limit: 2, q: domain, status: "active" as const },
            ]) {
              await expectSameList(database(), query, { at, knownAt });
            }
          }
        }
        const check = await checkUserVersions(database(), { repair: false });
        expect(check.differing.filter((id) => ids.includes(id))).toEqual([]);
      }),
      { numRuns, seed },
    );
  }, 600_000);
});
