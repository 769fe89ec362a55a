// An application clock ahead of the database's (two hosts a few milliseconds or seconds apart) lets
// a change dated "now" by the application through the "not in the future" check, and PostgreSQL then
// records it earlier than it says it took effect. Nothing takes effect after it was recorded: the
// fold reads it as effective when recorded, as the temporal index does, so the next change — recorded
// later — is the one that holds in both. On PGlite the database's clock is the process's and moves
// with it (no skew); on PostgreSQL only the application's clock moves.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { executeUserCommand } from "@/lib/application/users/user-commands";
import { getUser, getUserAt, getUserEvents } from "@/lib/application/users/user-queries";
import { checkUserVersions } from "@/lib/application/users/user-versions";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { testBackends, type TestDatabase } from "@/lib/testing/databases";

const context = { actor: "test:clock-ahead", correlationId: "clock-ahead" };

describe.each(testBackends())(
  "a change dated now by an application clock ahead of the database's, on $name",
  (backend) => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await backend.open();
      provideDatabase(database);
    });
    afterAll(() => closeDatabase());

    it("takes effect when recorded: the next change holds in the fold, the users row and the temporal index alike", async () => {
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
        const dated = await executeUserCommand(
          { type: "RenameUser", userId, name: `Ada Dated ${tag}`, effectiveAt: new Date().toISOString() },
          context,
        );
        expect(dated.user.name).toBe(`Ada Dated ${tag}`);
      } finally {
        vi.useRealTimers();
      }
      const { user } = await executeUserCommand({ type: "RenameUser", userId, name: `Ada Later ${tag}` }, context);

      expect(user).toMatchObject({ name: `Ada Later ${tag}`, version: 3 });
      expect(await getUser(userId)).toMatchObject({ name: `Ada Later ${tag}`, version: 3 });
      expect(await getUserAt(userId, { effectiveAt: new Date(Date.now() + 60_000) })).toMatchObject({
        name: `Ada Later ${tag}`,
      });
      const [open] = await database.query<{ version: number; name: string }>(
        "SELECT version, name FROM user_versions WHERE user_id = $1 AND recorded_to IS NULL AND effective_to IS NULL",
        [userId],
      );
      expect(open).toEqual({ version: 3, name: `Ada Later ${tag}` });
      // Read back, the dated rename says it took effect when it was recorded.
      const datedEvent = (await getUserEvents(userId))[1]!;
      expect(datedEvent.data.effectiveAt).toBe(datedEvent.recordedAt);
      const check = await checkUserVersions(database, { repair: false });
      expect(check.differing).not.toContain(userId);
    });
  },
);
