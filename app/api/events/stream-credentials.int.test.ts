// A live event stream ends with the credentials it was opened with: within a second of the token's
// revocation, the session's sign-out or its expiry — announced by any server process — and no event
// appended after the revocation was acknowledged reaches it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeApiToken } from "@/lib/application/auth/api-tokens";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { createCredentialWatch } from "@/lib/application/auth/credential-watch";
import type { Principal } from "@/lib/application/auth/principal";
import { endSession, startSession } from "@/lib/application/auth/sessions";
import { sha256 } from "@/lib/application/auth/secrets";
import { getServices } from "@/lib/application/services";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import { createPostgresDatabase } from "@/lib/db/database";
import { api, tokenWithScopes } from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { openStream, type OpenStream } from "@/lib/testing/event-stream";
import { feedShowsEverything } from "@/lib/testing/projections";

const withinASecond = 1000;

async function append(type: string): Promise<number> {
  const { store } = await getServices();
  const result = await store.appendToStream(`credentials-${type}`, [{ type, data: {} }], { expectedVersion: "any" });
  return result.events[0]!.position;
}

/** When the server ended the stream, or Infinity if it is still open after a few seconds. */
const endOf = (stream: OpenStream) =>
  Promise.race([stream.ended, new Promise<number>((done) => setTimeout(() => done(Number.POSITIVE_INFINITY), 5000))]);

/** Proves the stream is live: an event appended now arrives. */
async function live(stream: OpenStream, tag: string): Promise<void> {
  const position = await append(`before.${tag}`);
  await stream.received((message) => message.data.position === position);
}

/** After the stream ended, waits until the feed shows `position`, so a stream still open would have had it. */
async function neverDelivered(stream: OpenStream, position: number): Promise<void> {
  await feedShowsEverything(await getDatabase());
  await new Promise((done) => setTimeout(done, 300));
  expect(stream.messages.map((message) => message.data.position)).not.toContain(position);
}

describe.each(testBackends())("the event stream ends with its credentials on $name", (backend) => {
  const adminEmail = `streams-${backend.name}@rewind.test`;
  const adminPassword = "a long enough admin password";
  let adminId: string;

  beforeAll(async () => {
    provideDatabase(await backend.open());
    const database = await getDatabase();
    await ensureFirstAdmin(database, { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword });
    [{ id: adminId }] = (await database.query<{ id: string }>("SELECT id FROM admins WHERE email = $1", [
      adminEmail,
    ])) as [{ id: string }];
  });
  afterAll(() => closeDatabase());

  const signedIn = async (now?: Date) => {
    const session = await startSession(await getDatabase(), adminId, now);
    return {
      cookie: `rewind_session=${session.token}; rewind_csrf=${session.csrfToken}`,
      "x-csrf-token": session.csrfToken,
    };
  };

  it("ends within a second of its token's revocation, and never delivers what was appended after the revocation was acknowledged", async () => {
    const admin = await signedIn();
    const service = await tokenWithScopes(["read"], "revoked while streaming");
    const stream = await openStream(service.headers);
    try {
      await live(stream, "revocation");
      const revoked = await api.post(`/api/tokens/${service.id}/revoke`, undefined, { headers: admin });
      expect(revoked.status).toBe(200);
      const acknowledgedAt = Date.now();
      const after = await append("after.revocation");
      const endedAt = await endOf(stream);
      expect(endedAt - acknowledgedAt).toBeLessThan(withinASecond);
      await neverDelivered(stream, after);
    } finally {
      stream.close();
    }
  });

  it("ends within a second of its session's sign-out, and never delivers what was appended after it", async () => {
    const admin = await signedIn();
    const stream = await openStream({ cookie: admin.cookie });
    try {
      await live(stream, "sign-out");
      expect((await api.post("/api/auth/sign-out", undefined, { headers: admin })).status).toBe(204);
      const acknowledgedAt = Date.now();
      const after = await append("after.sign-out");
      const endedAt = await endOf(stream);
      expect(endedAt - acknowledgedAt).toBeLessThan(withinASecond);
      await neverDelivered(stream, after);
    } finally {
      stream.close();
    }
  });

  it("ends within a second of its session expiring, though nobody announces an expiry", async () => {
    const lifetime = 12 * 60 * 60_000;
    const expiresAt = Date.now() + 2500;
    const admin = await signedIn(new Date(expiresAt - lifetime));
    const stream = await openStream({ cookie: admin.cookie });
    try {
      await live(stream, "expiry");
      const endedAt = await endOf(stream);
      expect(endedAt).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(endedAt - expiresAt).toBeLessThan(withinASecond);
    } finally {
      stream.close();
    }
  });

  it("when a revocation's notification is lost, still delivers nothing appended after it and ends within a second", async () => {
    const service = await tokenWithScopes(["read"], "revoked without a notification");
    const stream = await openStream(service.headers);
    try {
      await live(stream, "silent revocation");
      // What a revocation does in the database, without its NOTIFY: only the re-checks can see it.
      await (await getDatabase()).query("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", [service.id]);
      const acknowledgedAt = Date.now();
      const after = await append("after.silent-revocation");
      const endedAt = await endOf(stream);
      expect(endedAt - acknowledgedAt).toBeLessThan(withinASecond);
      await neverDelivered(stream, after);
    } finally {
      stream.close();
    }
  });

  it("keeps a stream open while its credentials hold", async () => {
    const service = await tokenWithScopes(["read"], "still valid");
    const stream = await openStream(service.headers);
    let ended = false;
    void stream.ended.then(() => (ended = true));
    try {
      await live(stream, "valid 1");
      // Others' revocations and sign-outs make every stream re-check; this one is still valid.
      const other = await tokenWithScopes(["read"], "someone else");
      await revokeApiToken(await getDatabase(), other.id);
      await new Promise((done) => setTimeout(done, 1200));
      await live(stream, "valid 2");
      expect(ended).toBe(false);
    } finally {
      stream.close();
    }
  });

  it.skipIf(backend.name === "pglite")(
    "hears a revocation made by another server process on the same database at once, not at its next re-check",
    async () => {
      const { database } = await getServices();
      if (database.backend !== "postgres") return;
      // Two processes' worth of services: this one watches (with re-checks too rare to matter), the other revokes.
      const other = createPostgresDatabase(database.pool.options.connectionString!, { maxConnections: 2 });
      const watch = createCredentialWatch(database, { recheckMs: 60_000 });
      try {
        const service = await tokenWithScopes(["read"], "revoked elsewhere");
        const principal: Principal = {
          kind: "token",
          tokenId: service.id,
          name: "revoked elsewhere",
          createdBy: adminId,
          scopes: ["read"],
        };
        const session = await signedIn();
        const sessionPrincipal: Principal = {
          kind: "admin",
          adminId,
          email: adminEmail,
          sessionTokenHash: sha256(session.cookie.split(";")[0]!.slice("rewind_session=".length)),
          csrfToken: session["x-csrf-token"],
        };
        const endedAt = (who: Principal) =>
          new Promise<number>((resolve) => watch.watch(who, () => resolve(Date.now())));
        const tokenEnded = endedAt(principal);
        const sessionEnded = endedAt(sessionPrincipal);
        // Let the watch's LISTEN connection start.
        await new Promise((done) => setTimeout(done, 500));

        let revokedAt = Date.now();
        await revokeApiToken(other, service.id);
        expect((await tokenEnded) - revokedAt).toBeLessThan(300);

        revokedAt = Date.now();
        await endSession(other, sessionPrincipal.sessionTokenHash);
        expect((await sessionEnded) - revokedAt).toBeLessThan(300);
      } finally {
        await watch.close();
        await other.close();
      }
    },
  );
});
