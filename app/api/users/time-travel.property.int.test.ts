// Property: whatever commands a few users go through — forgetting included — the API shows, for every
// version N, exactly the state a simple model of the rules predicts after the command that made N;
// and at any instant between commands, each user and the list are what the model held then.
// A fresh seed every run (printed); PROPERTY_SEED=<seed> replays one, PROPERTY_RUNS=<n> runs longer.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { api } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";

type Command =
  | { kind: "rename"; name: string }
  | { kind: "change-email"; email: string }
  | { kind: "change-password"; password: string }
  | { kind: "deactivate"; reason: string }
  | { kind: "reactivate" }
  | { kind: "forget" };

/** A command for one of the run's users; `mark` takes an instant just after it, for ?at=. */
interface Step {
  user: number;
  command: Command;
  mark: boolean;
}

interface ModelUser {
  name: string;
  email: string;
  status: "active" | "deactivated" | "forgotten";
  version: number;
}

const erased = "[erased]";
const users = 3;
const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 15);
console.log(`time-travel property: seed ${seed}, ${numRuns} runs (replay with PROPERTY_SEED=${seed})`);

const names = fc.constantFrom(
  "Ada",
  " Ada ",
  "Grace",
  "Grace Hopper",
  "Ada Lovelace",
  "",
  "   ",
  "😀 Emoji",
  "x".repeat(101),
);
const emailLocals = fc.constantFrom("ada", "ADA", "grace", "g.hopper", "not an email", "");
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("rename" as const), name: names }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("change-email" as const), email: emailLocals }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("change-password" as const),
      password: fc.constantFrom("short", "long enough secret"),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant("deactivate" as const), reason: fc.constantFrom("left", "  ", "policy") }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant("reactivate" as const) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("forget" as const) }), weight: 1 },
);
const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  user: fc.integer({ min: 0, max: users - 1 }),
  command: commandArbitrary,
  mark: fc.boolean(),
});

// Each user's addresses are at its own subdomain: users of a run never compete for one.
const emailOf = (local: string, user: number, domain: string) => `${local}@u${user}.${domain}`;

// The rules, restated independently of lib/domain: what status and state each command should give.
function expectedOutcome(
  user: ModelUser,
  command: Command,
  email: (local: string) => string,
): { status: number; next: ModelUser } {
  const changed = (fields: Partial<ModelUser>) => ({
    status: 200,
    next: { ...user, ...fields, version: user.version + 1 },
  });
  const unchanged = { status: 200, next: user };
  if (command.kind === "forget")
    return user.status === "forgotten" ? unchanged : changed({ status: "forgotten", name: erased, email: erased });
  if (user.status === "forgotten") return { status: 410, next: user };
  if (user.status === "deactivated" && command.kind !== "reactivate") return { status: 409, next: user };
  switch (command.kind) {
    case "rename": {
      const name = command.name.trim();
      if (name === "" || [...name].length > 100) return { status: 400, next: user };
      return name === user.name ? unchanged : changed({ name });
    }
    case "change-email": {
      if (command.email === "" || command.email.includes(" ")) return { status: 400, next: user };
      const address = email(command.email).toLowerCase();
      return address === user.email ? unchanged : changed({ email: address });
    }
    case "change-password":
      return command.password.length < 8 ? { status: 400, next: user } : changed({});
    case "deactivate":
      return command.reason.trim() === "" ? { status: 400, next: user } : changed({ status: "deactivated" });
    case "reactivate":
      return user.status === "deactivated" ? changed({ status: "active" }) : unchanged;
  }
}

function requestFor(userId: string, command: Command, email: (local: string) => string) {
  switch (command.kind) {
    case "rename":
      return api.post(`/api/users/${userId}/rename`, { name: command.name });
    case "change-email":
      return api.post(`/api/users/${userId}/change-email`, { email: email(command.email) });
    case "change-password":
      return api.post(`/api/users/${userId}/change-password`, { password: command.password });
    case "deactivate":
      return api.post(`/api/users/${userId}/deactivate`, { reason: command.reason });
    case "reactivate":
      return api.post(`/api/users/${userId}/reactivate`, {});
    case "forget":
      return api.post(`/api/users/${userId}/forget`);
  }
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * An instant strictly after everything appended so far and strictly before anything appended next:
 * instants are kept to the millisecond, events to the microsecond.
 */
async function instantBetweenCommands(): Promise<string> {
  await pause(2);
  const instant = new Date().toISOString();
  await pause(2);
  return instant;
}

/** Once forgotten, a user's name and email read "[erased]" in every version of their history. */
const asShownNow = (state: ModelUser, forgotten: boolean): ModelUser =>
  forgotten ? { ...state, name: erased, email: erased } : state;

describe.each(testBackends())("time travel matches a model of the rules on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("at every version and at random instants, for random commands on a few users, forgetting included", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 12 }), async (steps) => {
        // Each run gets its own email domain, so that runs never compete for an address.
        const domain = `run${++run}-${backend.name}-${Date.now()}.example`;
        const beforeAnyone = await instantBetweenCommands();
        const ids: string[] = [];
        const current: ModelUser[] = [];
        const histories: ModelUser[][] = [];
        for (let index = 0; index < users; index++) {
          const start: ModelUser = {
            name: `Start ${index}`,
            email: emailOf("start", index, domain),
            status: "active",
            version: 1,
          };
          const registered = await api.post("/api/users", {
            name: start.name,
            email: start.email,
            password: "long enough secret",
          });
          expect(registered.status).toBe(201);
          ids.push(registered.body.id);
          current.push(start);
          histories.push([start]);
        }
        /** What the model held at each marked instant: every user's state then. */
        const marks: { at: string; states: ModelUser[] }[] = [
          { at: await instantBetweenCommands(), states: [...current] },
        ];

        for (const { user: index, command, mark } of steps) {
          const email = (local: string) => emailOf(local, index, domain);
          const expected = expectedOutcome(current[index]!, command, email);
          const response = await requestFor(ids[index]!, command, email);
          expect(response.status, JSON.stringify({ command, body: response.body })).toBe(expected.status);
          if (response.status === 200) expect(response.body).toMatchObject(expected.next);
          if (expected.next.version > current[index]!.version) histories[index]!.push(expected.next);
          current[index] = expected.next;
          if (mark) marks.push({ at: await instantBetweenCommands(), states: [...current] });
        }

        const forgotten = current.map((user) => user.status === "forgotten");
        for (let index = 0; index < users; index++) {
          const id = ids[index]!;
          for (const state of histories[index]!) {
            const atVersion = await api.get(`/api/users/${id}?version=${state.version}`);
            expect(atVersion.status).toBe(200);
            expect(atVersion.body).toMatchObject(asShownNow(state, forgotten[index]!));
          }
          expect((await api.get(`/api/users/${id}?version=${current[index]!.version + 1}`)).status).toBe(404);
          expect((await api.get(`/api/users/${id}`)).body).toMatchObject(current[index]!);
          expect((await api.get(`/api/users/${id}?at=${encodeURIComponent(beforeAnyone)}`)).status).toBe(404);
        }
        for (const { at, states } of marks) {
          for (let index = 0; index < users; index++) {
            const atInstant = await api.get(`/api/users/${ids[index]}?at=${encodeURIComponent(at)}`);
            expect(atInstant.status).toBe(200);
            expect(atInstant.body, `user ${index} at ${at}`).toMatchObject(
              asShownNow(states[index]!, forgotten[index]!),
            );
          }
          // The list then: a forgotten user's address is erased, so the search by domain no longer finds them.
          const list = await api.get(
            `/api/users?at=${encodeURIComponent(at)}&q=${encodeURIComponent(domain)}&limit=100`,
          );
          expect(list.status).toBe(200);
          const listed = (list.body.items as (ModelUser & { id: string })[]).map(
            ({ id, name, email, status, version }) => ({
              id,
              name,
              email,
              status,
              version,
            }),
          );
          const expectedList = states.flatMap((state, index) =>
            forgotten[index] ? [] : [{ id: ids[index]!, ...state }],
          );
          const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
          expect(listed.sort(byId), `the list at ${at}`).toEqual(expectedList.sort(byId));
        }
      }),
      { numRuns, seed },
    );
    // Room for fast-check to shrink a failure to a small counterexample.
  }, 240_000);
});
