// A clock that steps back between two commands on one user (NTP correcting a clock that ran ahead)
// must not fail the second one: the store records it a microsecond after the user's last event, so
// the temporal index can end the previous version where the next begins. On PGlite the database's
// clock is the process's, so moving the process's clock moves it; on PostgreSQL only the
// application's clock moves, and the commands must go through all the same.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const context = { actor: "test:clock-step-back", correlationId: "clock-step-back" };

describe.each(testBackends())("a clock that steps back between two commands, on $name", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await backend.open();
    provideDatabase(database);
  });
  afterAll(() => closeDatabase());

  it("answers the later command, and the user's current version is its", async () => {
    const userId = randomUUID();
    const tag = userId.slice(0, 8);
    await executeUserCommand(
      {
        type: "RegisterUser",
        userId,
        name: `Ada ${tag}`,
        email: `ada.${tag}@example.com`,
        password: "correct horse battery",
      },
      context,
    );
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10_000 });
    try {
      await executeUserCommand({ type: "RenameUser", userId, name: `Ada Ahead ${tag}` }, context);
    } finally {
      vi.useRealTimers();
    }
    const { user } = await executeUserCommand({ type: "RenameUser", userId, name: `Ada After ${tag}` }, context);
    expect(user).toMatchObject({ name: `Ada After ${tag}`, version: 3 });

    const recorded = await database.query<{ version: number; recorded_at: Date }>(
      "SELECT version, recorded_at FROM events WHERE stream_id = $1 ORDER BY version",
      [`user-${userId}`],
    );
    const instants = recorded.map((row) => row.recorded_at.getTime());
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    const [current] = await database.query<{ version: number; name: string }>(
      "SELECT version, name FROM user_versions WHERE user_id = $1 AND recorded_to IS NULL AND effective_to IS NULL",
      [userId],
    );
    expect(current).toEqual({ version: 3, name: `Ada After ${tag}` });
  });
});
