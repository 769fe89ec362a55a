// A user command's append is one statement with its inline projections, composed under one name so
// that PostgreSQL prepares it once per connection. A name longer than 63 bytes is sent unnamed
// (planned on every append): the longest composition, a registration's, must fit.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decide, evolve, initialUserState, type RegisteredUser } from "../../domain/users";
import { withInlineStatements } from "../../eventstore/sql";
import { userInlineStatements } from "./user-commands";

describe("a user command's append statement", () => {
  it("keeps a registration's composed name within PostgreSQL's 63 bytes, with the counts, the new key and the snapshot", () => {
    const userId = randomUUID();
    const events = decide(
      {
        type: "RegisterUser",
        userId,
        name: "Ada",
        email: "ada@example.com",
        password: "long enough secret",
        passwordHash: "h",
      },
      initialUserState,
    );
    const registered = evolve(initialUserState, {
      ...events[0]!,
      version: 1,
      recordedAt: new Date().toISOString(),
    }) as RegisteredUser;
    const inline = userInlineStatements(userId, {
      before: initialUserState,
      version: 0,
      events,
      after: registered,
      newKey: Buffer.alloc(32),
    });
    // The registration's instant fills in six places of the state (createdAt, updatedAt, effectiveSince).
    expect(inline.map((statement) => statement.name)).toEqual(["users", "versions", "counts", "key", "keep6", "drop"]);
    // The store names a one-event append "rewind.append_one" (lib/eventstore/append.ts).
    const composed = withInlineStatements({ name: "rewind.append_one", text: "SELECT 1", values: [] }, inline);
    expect(composed.name).toBe("rewind.append_one+users+versions+counts+key+keep6+drop");
  });
});
