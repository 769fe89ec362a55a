// Property: for random histories of one user with backdated changes, sent through the API, the
// user the API shows at every (effective, known) pair sampled — ?at=&knownAt=, ?knownAt= alone,
// and today's — is what the brute-force model folds from the user's events as the API lists them.
// A fresh seed every run (printed); PROPERTY_SEED=<seed> replays one, PROPERTY_RUNS=<n> runs longer.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api, newUserInput } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { modelUserAt, type ModelEvent } from "@/lib/testing/two-axes-model";

type Change = { path: string; body: Record<string, string> };
type Step = { change: Change; backdateBy?: number };

const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 4);
console.log(`two-time-axes property: seed ${seed}, ${numRuns} runs (replay with PROPERTY_SEED=${seed})`);

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ path: fc.constant("rename"), body: fc.record({ name: fc.constantFrom("Ada", "Grace", "Joan") }) }),
  fc.record({
    path: fc.constant("change-email"),
    body: fc.record({ email: fc.constantFrom("a", "b").map((local) => `${local}@two-axes.test`) }),
  }),
  fc.record({ path: fc.constant("deactivate"), body: fc.record({ reason: fc.constantFrom("left", "spam") }) }),
  fc.record({ path: fc.constant("reactivate"), body: fc.constant({}) }),
);
// backdateBy: as a fraction of the user's age, 0 now and 1 the registration itself.
const step: fc.Arbitrary<Step> = fc.record(
  { change, backdateBy: fc.double({ min: 0, max: 1, noNaN: true }) },
  { requiredKeys: ["change"] },
);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (time: number) => new Date(time).toISOString();

describe.each(testBackends())("two time axes, property, on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("shows at every (effective, known) pair what the brute-force fold of the user's events gives", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (steps, pick) => {
          // A fresh email per run: the users table's unique index holds across runs.
          const user = (await api.post("/api/users", newUserInput({ name: "Ada" }))).body;
          const registeredAt = Date.parse(user.createdAt);
          for (const { change, backdateBy } of steps) {
            // Recorded instants at least a few milliseconds apart: the API shows them to the millisecond.
            await pause(4);
            const now = Date.now();
            const effectiveAt =
              backdateBy === undefined ? {} : { effectiveAt: iso(Math.round(now - backdateBy * (now - registeredAt))) };
            const emailBody = "email" in change.body ? { email: `${user.id.slice(0, 8)}-${change.body.email}` } : {};
            const answer = await api.post(`/api/users/${user.id}/${change.path}`, {
              ...change.body,
              ...emailBody,
              ...effectiveAt,
            });
            expect([200, 409]).toContain(answer.status);
          }
          const events: ModelEvent[] = (await api.get(`/api/users/${user.id}/events`)).body.items;
          const effectivePoints = [
            ...new Set(events.map((event) => Date.parse(String(event.data.effectiveAt)))),
          ].flatMap((time) => [time - 1, time]);
          // Known instants one millisecond off each recording: the log holds microseconds, the API milliseconds.
          const knownPoints = events.flatMap((event) => [
            Date.parse(event.recordedAt) - 1,
            Date.parse(event.recordedAt) + 1,
          ]);
          const pairs = Array.from({ length: 12 }, (_, index) => {
            const mix = (pick + index * 2654435761) >>> 0;
            return [
              effectivePoints[mix % effectivePoints.length]!,
              knownPoints[(mix >>> 8) % knownPoints.length]!,
            ] as const;
          });
          const shown = async (query: string) => {
            const answer = await api.get(`/api/users/${user.id}${query}`);
            if (answer.status === 404) return undefined;
            const { name, email, status, version } = answer.body;
            return { name, email, status, version };
          };
          for (const [effective, known] of pairs) {
            expect(
              await shown(`?at=${iso(effective)}&knownAt=${iso(known)}`),
              `at ${iso(effective)} known ${iso(known)}`,
            ).toEqual(modelUserAt(events, effective, known));
          }
          for (const known of knownPoints)
            expect(await shown(`?knownAt=${iso(known)}`)).toEqual(modelUserAt(events, known, known));
          const now = Date.now();
          expect(await shown("")).toEqual(modelUserAt(events, now, now));
          expect(await shown(`?at=${iso(now)}`)).toEqual(modelUserAt(events, now, now));
        },
      ),
      { numRuns, seed },
    );
  }, 600_000);
});
