// Clocks that disagree must not break a user's history. A clock that steps back between two commands
// on one user (NTP correcting a clock that ran ahead) must not fail the second one: the store records
// it a microsecond after the user's last event, so the temporal index can end the previous version
// where the next begins. An application clock ahead of the database's lets a change dated "now" by
// the application through the "not in the future" check, and PostgreSQL then records it earlier than
// it says it took effect: nothing takes effect after it was recorded (decision 032), in the fold as in
// the temporal index. On PGlite the database's clock is the process's, so moving the process's clock
// moves it (no skew); on PostgreSQL only the application's clock moves.
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { executeUserCommand, previewUserCommand, type UserCommandInput } from "@/lib/application/users/user-commands";
import { getUser, getUserAt, getUserEvents } from "@/lib/application/users/user-queries";
import { checkUserVersions } from "@/lib/application/users/user-versions";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";
import { provideTestDatabase } from "@/lib/testing/provided-database";

const context = { actor: "test:clocks", correlationId: "clocks" };

async function registered(): Promise<{ userId: string; tag: string }> {
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
  return { userId, tag };
}

/** `work` done with the application's clock `aheadMs` ahead of the real one (behind when negative). */
async function withClockAhead<T>(aheadMs: number, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + aheadMs });
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

const execute = (command: UserCommandInput) => executeUserCommand(command, context);

/** The user's row of the temporal index open on both axes. */
async function openVersion(database: TestDatabase, userId: string) {
  return database.query<{ version: number; name: string }>(
    "SELECT version, name FROM user_versions WHERE user_id = $1 AND recorded_to IS NULL AND effective_to IS NULL",
    [userId],
  );
}

describe.each(testBackends())("clocks that disagree, on $name", (backend) => {
  const database = provideTestDatabase(backend);

  it("a clock that steps back between two commands: the later command is answered, and the user's current version is its", async () => {
    const { userId, tag } = await registered();
    await withClockAhead(10_000, () => execute({ type: "RenameUser", userId, name: `Ada Ahead ${tag}` }));
    const { user } = await executeUserCommand({ type: "RenameUser", userId, name: `Ada After ${tag}` }, context);
    expect(user).toMatchObject({ name: `Ada After ${tag}`, version: 3 });

    const recorded = await database().query<{ version: number; recorded_at: Date }>(
      "SELECT version, recorded_at FROM events WHERE stream_id = $1 ORDER BY version",
      [`user-${userId}`],
    );
    const instants = recorded.map((row) => row.recorded_at.getTime());
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(await openVersion(database(), userId)).toEqual([{ version: 3, name: `Ada After ${tag}` }]);
  });

  it("a change dated now by an application clock ahead takes effect when recorded: the next change holds in the fold, the users row and the temporal index alike", async () => {
    const { userId, tag } = await registered();
    const dated = await withClockAhead(10_000, () =>
      execute({ type: "RenameUser", userId, name: `Ada Dated ${tag}`, effectiveAt: new Date().toISOString() }),
    );
    expect(dated.user.name).toBe(`Ada Dated ${tag}`);
    const { user } = await executeUserCommand({ type: "RenameUser", userId, name: `Ada Later ${tag}` }, context);

    expect(user).toMatchObject({ name: `Ada Later ${tag}`, version: 3 });
    expect(await getUser(userId)).toMatchObject({ name: `Ada Later ${tag}`, version: 3 });
    expect(await getUserAt(userId, { effectiveAt: new Date(Date.now() + 60_000) })).toMatchObject({
      name: `Ada Later ${tag}`,
    });
    expect(await openVersion(database(), userId)).toEqual([{ version: 3, name: `Ada Later ${tag}` }]);
    // Read back, the dated rename says it took effect when it was recorded.
    const datedEvent = (await getUserEvents(userId))[1]!;
    expect(datedEvent.data.effectiveAt).toBe(datedEvent.recordedAt);
    expect((await checkUserVersions(database(), { repair: false })).differing).not.toContain(userId);
  });

  it("a dry run at ?at= with the application's clock behind the database's decides against the user GET ?at= shows", async () => {
    const { userId, tag } = await registered();
    await execute({ type: "RenameUser", userId, name: `Ada Renamed ${tag}` });
    // The instant is kept to the millisecond, the events to the microsecond: clear of the rename.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const instant = new Date();
    expect(await getUserAt(userId, { effectiveAt: instant })).toMatchObject({ name: `Ada Renamed ${tag}`, version: 2 });

    const preview = await withClockAhead(-10_000, () =>
      previewUserCommand({ type: "ChangeEmail", userId, email: `ada.moved.${tag}@example.com` }, context, {
        effectiveAt: instant.toISOString(),
      }),
    );
    expect(preview.decidedAgainst).toMatchObject({ point: "at", version: 2 });
    expect(preview.before).toMatchObject({ name: `Ada Renamed ${tag}`, version: 2 });
  });
});
