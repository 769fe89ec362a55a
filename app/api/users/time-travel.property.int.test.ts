// Property: whatever sequence of commands a user goes through, the API's ?version=N shows, for
// every N, exactly the state a simple model of the rules predicts after the command that made N.
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
  | { kind: "reactivate" };

interface ModelUser {
  name: string;
  email: string;
  status: "active" | "deactivated";
  version: number;
}

const names = fc.constantFrom("Ada", " Ada ", "Grace", "Grace Hopper", "Ada Lovelace", "", "   ", "😀 Emoji", "x".repeat(101));
const emailLocals = fc.constantFrom("ada", "ADA", "grace", "g.hopper", "not an email", "");
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant("rename" as const), name: names }),
  fc.record({ kind: fc.constant("change-email" as const), email: emailLocals }),
  fc.record({ kind: fc.constant("change-password" as const), password: fc.constantFrom("short", "long enough secret") }),
  fc.record({ kind: fc.constant("deactivate" as const), reason: fc.constantFrom("left", "  ", "policy") }),
  fc.record({ kind: fc.constant("reactivate" as const) }),
);

// The rules, restated independently of lib/domain: what status and state each command should give.
function expectedOutcome(user: ModelUser, command: Command, domain: string): { status: number; next: ModelUser } {
  const changed = (fields: Partial<ModelUser>) => ({ status: 200, next: { ...user, ...fields, version: user.version + 1 } });
  const unchanged = { status: 200, next: user };
  if (user.status === "deactivated" && command.kind !== "reactivate") return { status: 409, next: user };
  switch (command.kind) {
    case "rename": {
      const name = command.name.trim();
      if (name === "" || [...name].length > 100) return { status: 400, next: user };
      return name === user.name ? unchanged : changed({ name });
    }
    case "change-email": {
      if (command.email === "" || command.email.includes(" ")) return { status: 400, next: user };
      const email = `${command.email}@${domain}`.toLowerCase();
      return email === user.email ? unchanged : changed({ email });
    }
    case "change-password":
      return command.password.length < 8 ? { status: 400, next: user } : changed({});
    case "deactivate":
      return command.reason.trim() === "" ? { status: 400, next: user } : changed({ status: "deactivated" });
    case "reactivate":
      return user.status === "deactivated" ? changed({ status: "active" }) : unchanged;
  }
}

function requestFor(userId: string, command: Command, domain: string) {
  switch (command.kind) {
    case "rename":
      return api.post(`/api/users/${userId}/rename`, { name: command.name });
    case "change-email":
      return api.post(`/api/users/${userId}/change-email`, { email: `${command.email}@${domain}` });
    case "change-password":
      return api.post(`/api/users/${userId}/change-password`, { password: command.password });
    case "deactivate":
      return api.post(`/api/users/${userId}/deactivate`, { reason: command.reason });
    case "reactivate":
      return api.post(`/api/users/${userId}/reactivate`, {});
  }
}

describe.each(testBackends())("time travel matches a model of the rules on $name", (backend) => {
  beforeAll(async () => provideDatabase(await backend.open()));
  afterAll(() => closeDatabase());

  it("at every version, for random command sequences", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commandArbitrary, { minLength: 1, maxLength: 12 }), async (commands) => {
        // Each run gets its own email domain, so that runs never compete for an address.
        const domain = `run${++run}-${backend.name}-${Date.now()}.example`;
        const registered = await api.post("/api/users", { name: "Start", email: `start@${domain}`, password: "long enough secret" });
        expect(registered.status).toBe(201);
        const userId: string = registered.body.id;
        let user: ModelUser = { name: "Start", email: `start@${domain}`, status: "active", version: 1 };
        const history: ModelUser[] = [user];

        for (const command of commands) {
          const expected = expectedOutcome(user, command, domain);
          const response = await requestFor(userId, command, domain);
          expect(response.status, JSON.stringify({ command, body: response.body })).toBe(expected.status);
          if (response.status === 200) expect(response.body).toMatchObject(expected.next);
          if (expected.next.version > user.version) history.push(expected.next);
          user = expected.next;
        }

        for (const state of history) {
          const atVersion = await api.get(`/api/users/${userId}?version=${state.version}`);
          expect(atVersion.status).toBe(200);
          expect(atVersion.body).toMatchObject(state);
        }
        expect((await api.get(`/api/users/${userId}?version=${user.version + 1}`)).status).toBe(404);
        expect((await api.get(`/api/users/${userId}`)).body).toMatchObject(user);
      }),
      { numRuns: 30, seed: 20261129 },
    );
  });
});
