import { readTransformFor } from "../services";
import { describe, expect, it } from "vitest";
import { foldUser, userStreamId } from "../../domain/users";
import { createEventStore } from "../../eventstore";
import { testBackends } from "../../testing/databases";
import { provideTestDatabase } from "../../testing/provided-database";
import { AlreadySeeded, seedDemoUsers } from "./seed-demo-users";
import { toRecordedUserEvent } from "./user-events";
import { viewOfState } from "./user-view";

describe.each(testBackends())("seeding demo users on $name", (backend) => {
  const database = provideTestDatabase(backend);

  it("writes histories whose fold is exactly the users table, and refuses the same seed twice", async () => {
    const report = await seedDemoUsers(database(), { users: 40, months: 6, seed: 11, now: new Date() });
    expect(report.users).toBe(40);

    const rows = await database().query<{
      id: string;
      name: string;
      email: string;
      status: string;
      version: number;
      created_at: Date;
      updated_at: Date;
    }>("SELECT * FROM users ORDER BY id");
    expect(rows).toHaveLength(40);
    const store = createEventStore(database(), { transformRead: readTransformFor(database()) });
    let events = 0;
    for (const row of rows) {
      const recorded = await store.readStream(userStreamId(row.id));
      events += recorded.length;
      const state = foldUser(recorded.map(toRecordedUserEvent));
      if (state.status === "unregistered") throw new Error("seeded user without registration");
      expect(viewOfState(state)).toEqual({
        id: row.id,
        name: row.name,
        email: row.email,
        status: row.status,
        version: row.version,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      });
      expect(recorded[0]!.recordedAt.getTime()).toBeLessThan(Date.now());
    }
    expect(events).toBe(report.events);

    await expect(seedDemoUsers(database(), { users: 5, months: 6, seed: 11, now: new Date() })).rejects.toBeInstanceOf(
      AlreadySeeded,
    );
  });
});
