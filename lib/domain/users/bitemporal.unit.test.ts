// Property: for random histories with backdated changes (each decided by the rules, so the history
// is one Rewind could hold), the user at every (effective, known) pair is what the brute-force model
// gives (lib/testing/two-axes-model.ts). And folding them in version order, as the store does (with
// snapshots), gives the same state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decide,
  effectiveAtOf,
  foldUser,
  initialUserState,
  userEventSchemaVersions,
  upcastUserEventData,
  userStateAt,
  UserDomainError,
  type RecordedUserEvent,
  type UserCommand,
  type UserEvent,
  type UserState,
} from ".";
import { modelUserAt } from "../../testing/two-axes-model";

const userId = "0b6c4e7a-5f55-4d8e-9d1e-2a3b4c5d6e7f";
const start = Date.parse("2025-01-01T00:00:00.000Z");
const hour = 3_600_000;
const iso = (time: number) => new Date(time).toISOString();

type Step = { hoursLater: number; command: UserCommand; backdateBy?: number };

const step: fc.Arbitrary<Step> = fc.record(
  {
    hoursLater: fc.integer({ min: 1, max: 48 }),
    command: fc.oneof(
      fc.record({
        type: fc.constant("RenameUser" as const),
        userId: fc.constant(userId),
        name: fc.constantFrom("Ada", "Grace", "Joan"),
      }),
      fc.record({
        type: fc.constant("ChangeEmail" as const),
        userId: fc.constant(userId),
        email: fc.constantFrom("a@x.io", "b@x.io"),
      }),
      fc.record({
        type: fc.constant("DeactivateUser" as const),
        userId: fc.constant(userId),
        reason: fc.constantFrom("left", "spam"),
      }),
      fc.record({ type: fc.constant("ReactivateUser" as const), userId: fc.constant(userId) }),
    ),
    // As a fraction of the time since registration: 0 is now, 1 the registration itself.
    backdateBy: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: ["hoursLater", "command"] },
);

/** Records what the rules allow of `steps`; refused commands record nothing. Events read as the store reads them. */
function historyOf(steps: Step[]): RecordedUserEvent[] {
  const recorded: RecordedUserEvent[] = [];
  const record = (events: UserEvent[], at: number) => {
    for (const event of events) {
      const recordedAt = iso(at);
      const data = upcastUserEventData(event.type, userEventSchemaVersions[event.type], event.data, { recordedAt });
      recorded.push({ ...event, data, version: recorded.length + 1, recordedAt } as RecordedUserEvent);
    }
  };
  record(
    decide(
      { type: "RegisterUser", userId, name: "Ada", email: "a@x.io", password: "long enough", passwordHash: "h" },
      initialUserState,
    ),
    start,
  );
  let now = start;
  for (const { hoursLater, command, backdateBy } of steps) {
    now += hoursLater * hour;
    const effectiveAt = backdateBy === undefined ? undefined : iso(Math.round(now - backdateBy * (now - start)));
    const dated = effectiveAt === undefined ? command : { ...command, effectiveAt };
    try {
      record(decide(dated, foldUser(recorded), { now: iso(now), history: recorded }), now);
    } catch (error) {
      if (!(error instanceof UserDomainError)) throw error;
    }
  }
  return recorded;
}

const shown = (state: UserState) =>
  state.status === "unregistered"
    ? undefined
    : { name: state.name, email: state.email, status: state.status, version: state.version };

describe("the user on two time axes", () => {
  it("at every (effective, known) pair is the brute-force fold, whether folded in effective or version order", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
        const events = historyOf(steps);
        // Every instant where something happens, and just before each.
        const instants = [
          ...new Set(events.flatMap((event) => [event.recordedAt, effectiveAtOf(event)]).map(Date.parse)),
        ];
        const points = [...instants, ...instants.map((time) => time - 1)];
        for (const effective of points) {
          for (const known of points) {
            const expected = modelUserAt(events, effective, known);
            const point = { effectiveAt: iso(effective), knownAt: iso(known) };
            expect(shown(userStateAt(events, point))).toEqual(expected);
            const inVersionOrder = events.filter(
              (event) => Date.parse(event.recordedAt) <= known && Date.parse(effectiveAtOf(event)) <= effective,
            );
            expect(shown(foldUser(inVersionOrder))).toEqual(expected);
          }
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it("keeps today's name when a rename reported late took effect before a later-effective one", () => {
    const events = historyOf([
      { hoursLater: 24, command: { type: "RenameUser", userId, name: "Grace" } },
      { hoursLater: 24, command: { type: "RenameUser", userId, name: "Joan" }, backdateBy: 0.75 },
    ]);
    expect(events.map((event) => event.type)).toEqual(["user.registered", "user.renamed", "user.renamed"]);
    const now = { effectiveAt: iso(start + 48 * hour), knownAt: iso(start + 48 * hour) };
    expect(userStateAt(events, now)).toMatchObject({ name: "Grace", version: 3 });
    // Effective a day in, as known now: Joan (since 12 h in); as known then: still Ada.
    expect(userStateAt(events, { effectiveAt: iso(start + 20 * hour), knownAt: now.knownAt })).toMatchObject({
      name: "Joan",
    });
    expect(userStateAt(events, { effectiveAt: iso(start + 20 * hour), knownAt: iso(start + 24 * hour) })).toMatchObject(
      { name: "Ada" },
    );
  });
});
