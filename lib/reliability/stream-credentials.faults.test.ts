// Two production servers on one PostgreSQL: a stream served by one ends within a second when its
// token is revoked, or its session signed out, on the other — and never delivers what was appended
// after the revocation was acknowledged.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterUnavailableReason, createCluster, type Cluster } from "../testing/pg-cluster";
import { serverAdmin, startProductionServer, type ProductionServer } from "../testing/production-server";
import { figures } from "./figures";

const unavailable = clusterUnavailableReason();

interface Stream {
  /** The streamId of every event received. */
  streams: string[];
  ended: Promise<number>;
  received(streamId: string): Promise<void>;
  close(): void;
}

async function openStream(base: string, headers: Record<string, string>): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(`${base}/api/events/stream?from=now`, { headers, signal: abort.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const streams: string[] = [];
  const ended = (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
      if (done) return Date.now();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const data = buffer
          .slice(0, end)
          .split("\n")
          .find((line) => line.startsWith("data:"));
        buffer = buffer.slice(end + 2);
        if (data) streams.push((JSON.parse(data.slice(5)) as { streamId: string }).streamId);
      }
    }
  })();
  return {
    streams,
    ended,
    async received(streamId) {
      const deadline = Date.now() + 20_000;
      while (!streams.includes(streamId)) {
        if (Date.now() > deadline) throw new Error(`${streamId} never arrived`);
        await new Promise((done) => setTimeout(done, 20));
      }
    },
    close: () => abort.abort(),
  };
}

async function signIn(base: string): Promise<Record<string, string>> {
  const response = await fetch(`${base}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(serverAdmin),
  });
  expect(response.status).toBe(200);
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
  const csrf = cookies.find((cookie) => cookie.startsWith("rewind_csrf="))!.slice("rewind_csrf=".length);
  return { cookie: cookies.join("; "), "x-csrf-token": csrf };
}

let userCount = 0;
/** Registers a user through `server`; answers the user's stream id. */
async function register(server: ProductionServer): Promise<string> {
  userCount++;
  const response = await fetch(`${server.base}/api/users`, {
    method: "POST",
    headers: { ...server.auth, "content-type": "application/json" },
    body: JSON.stringify({
      name: `Streamer ${userCount}`,
      email: `streamer-${userCount}@example.com`,
      password: "long enough secret",
    }),
  });
  expect(response.status).toBe(201);
  return `user-${((await response.json()) as { id: string }).id}`;
}

/** When the stream ended, or Infinity if it is still open after a few seconds. */
const endOf = (stream: Stream) =>
  Promise.race([stream.ended, new Promise<number>((done) => setTimeout(() => done(Number.POSITIVE_INFINITY), 5000))]);

describe.skipIf(unavailable)(
  `streams end with their credentials across two server processes${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    let cluster: Cluster;
    let revoking: ProductionServer;
    let streaming: ProductionServer;

    beforeAll(async () => {
      cluster = await createCluster();
      const admin = new pg.Client({ connectionString: cluster.url() });
      await admin.connect();
      await admin.query("CREATE DATABASE rewind");
      await admin.end();
      const env = { DATABASE_URL: cluster.url("rewind"), REWIND_DEMO_USERS: "0", LOG_LEVEL: "warn" };
      revoking = await startProductionServer(env);
      streaming = await startProductionServer(env);
    });
    afterAll(async () => {
      await Promise.all([revoking?.stop(), streaming?.stop()]);
      cluster?.destroy();
    });

    it("a token revoked on one server ends its stream on the other within a second", async () => {
      const session = await signIn(revoking.base);
      const created = await fetch(`${revoking.base}/api/tokens`, {
        method: "POST",
        headers: { ...session, "content-type": "application/json" },
        body: JSON.stringify({ name: "follower", scopes: ["read"] }),
      });
      const { id, token } = (await created.json()) as { id: string; token: string };
      const stream = await openStream(streaming.base, { authorization: `Bearer ${token}` });
      try {
        await stream.received(await register(revoking));
        const sentAt = Date.now();
        const revoked = await fetch(`${revoking.base}/api/tokens/${id}/revoke`, { method: "POST", headers: session });
        expect(revoked.status).toBe(200);
        const acknowledgedAt = Date.now();
        const after = await register(revoking);
        const endedAt = await endOf(stream);
        figures.record("stream on server B ended: its token was revoked on server A", {
          msAfterRequestSent: endedAt - sentAt,
          msAfterAcknowledged: endedAt - acknowledgedAt,
        });
        expect(endedAt - acknowledgedAt).toBeLessThan(1000);
        // The feed shows it (so an open stream would have had it), and this one never did.
        await new Promise((done) => setTimeout(done, 500));
        const feed = (await (
          await fetch(`${revoking.base}/api/events?after=0&limit=1000`, { headers: revoking.auth })
        ).json()) as {
          items: { streamId: string }[];
        };
        expect(feed.items.map((event) => event.streamId)).toContain(after);
        expect(stream.streams).not.toContain(after);
      } finally {
        stream.close();
      }
    });

    it("a session signed out on one server ends its stream on the other within a second", async () => {
      const session = await signIn(revoking.base);
      const stream = await openStream(streaming.base, { cookie: session.cookie! });
      try {
        await stream.received(await register(revoking));
        const sentAt = Date.now();
        expect((await fetch(`${revoking.base}/api/auth/sign-out`, { method: "POST", headers: session })).status).toBe(
          204,
        );
        const acknowledgedAt = Date.now();
        const after = await register(revoking);
        const endedAt = await endOf(stream);
        figures.record("stream on server B ended: its session signed out on server A", {
          msAfterRequestSent: endedAt - sentAt,
          msAfterAcknowledged: endedAt - acknowledgedAt,
        });
        expect(endedAt - acknowledgedAt).toBeLessThan(1000);
        await new Promise((done) => setTimeout(done, 500));
        expect(stream.streams).not.toContain(after);
      } finally {
        stream.close();
      }
    });
  },
);
