// Commands under faults, against the production server on a PostgreSQL cluster of its own: racing
// If-Match writers, the server killed with SIGKILL under load, PostgreSQL restarted under load. After
// each: every command that got a 2xx is in the log exactly once, and the log and the users table agree.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  checkAcknowledged,
  checkLogAndUsersTable,
  registerUsers,
  send,
  startRig,
  type Acknowledged,
  type Answer,
  type Rig,
} from "../testing/fault-rig";
import { nameChangesByBruteForce, nameChangesProjected } from "../testing/name-changes";
import { clusterUnavailableReason } from "../testing/pg-cluster";
import { figures } from "./figures";

const unavailable = clusterUnavailableReason();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Renamed {
  version: number;
  name: string;
}

describe.skipIf(unavailable)(`commands under faults${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let rig: Rig;
  const acknowledged: Acknowledged[] = [];
  const unanswered: string[] = [];

  beforeAll(async () => {
    rig = await startRig();
  }, 180_000);
  afterAll(async () => {
    await rig?.close();
  });
  afterEach(() => {
    // The server survives every fault without an uncaught exception (it would have crashed a plain Node server).
    expect(rig.serverLog.filter((line) => /uncaught|unhandled/i.test(line))).toEqual([]);
  });

  /** A rename with a unique name; a 2xx is remembered as acknowledged, no answer as unanswered. */
  async function rename(userId: string, name: string, headers: Record<string, string> = {}): Promise<Answer> {
    const answer = await send(rig.server, "POST", `/api/users/${userId}/rename`, { body: { name }, headers });
    if (answer.status >= 200 && answer.status < 300) {
      const body = JSON.parse(answer.text) as Renamed;
      expect(body.name).toBe(name);
      acknowledged.push({ correlationId: answer.correlationId, userId, version: body.version, name });
    } else if (answer.status === 0 || answer.status >= 500) unanswered.push(answer.correlationId);
    return answer;
  }

  it("8 clients hammering one user with If-Match: no lost update, every rejection a 412", async () => {
    const [userId] = await registerUsers(rig.server, 1);
    const outcomes: { status: number; version?: number; problem?: { currentVersion?: number }; type: string | null }[] =
      [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let attempt = 0; attempt < 25; attempt++) {
          const read = await send(rig.server, "GET", `/api/users/${userId}`);
          expect(read.status).toBe(200);
          const answer = await rename(userId!, `hammer ${client}-${attempt}`, {
            "if-match": read.headers.get("etag")!,
          });
          outcomes.push({
            status: answer.status,
            type: answer.headers.get("content-type"),
            ...(answer.status === 200
              ? { version: (JSON.parse(answer.text) as Renamed).version }
              : { problem: JSON.parse(answer.text || "{}") }),
          });
        }
      }),
    );
    const won = outcomes.filter((outcome) => outcome.status === 200);
    const refused = outcomes.filter((outcome) => outcome.status !== 200);
    expect(new Set(refused.map((outcome) => outcome.status))).toEqual(new Set([412]));
    for (const outcome of refused) {
      expect(outcome.type).toMatch(/^application\/problem\+json/);
      expect(outcome.problem?.currentVersion).toBeGreaterThan(1);
    }
    // No lost update: each success got its own next version, and the user is at exactly that many.
    const versions = won.map((outcome) => outcome.version!).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: won.length }, (_, i) => i + 2));
    const final = await send(rig.server, "GET", `/api/users/${userId}`);
    expect(JSON.parse(final.text).version).toBe(1 + won.length);
    expect(won.length).toBeGreaterThan(8);
    figures.record("If-Match hammer", {
      clients: 8,
      attempts: outcomes.length,
      won: won.length,
      refused412: refused.length,
    });
    await checkAcknowledged(rig.database, acknowledged, unanswered);
  });

  it("64 clients renaming one user at once without If-Match: every one lands (last writer wins), each at its own version", async () => {
    const [userId] = await registerUsers(rig.server, 1);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 64 }, (_, client) => rename(userId!, `last writer ${client}`)),
    );
    const seconds = (Date.now() - started) / 1000;
    expect(
      answers.map((answer) => (answer.status === 200 ? 200 : `${answer.status} ${answer.text.slice(0, 200)}`)),
    ).toEqual(answers.map(() => 200));
    const versions = answers.map((answer) => (JSON.parse(answer.text) as Renamed).version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 64 }, (_, i) => i + 2));
    const final = await send(rig.server, "GET", `/api/users/${userId}`);
    expect(JSON.parse(final.text).version).toBe(65);
    figures.record("64 writers on one user without If-Match", { clients: 64, landed: answers.length, seconds });
    await checkAcknowledged(rig.database, acknowledged, unanswered);
  });

  it("the server killed with SIGKILL while 16 clients send commands: every acknowledged command is in the log once, and it recovers", async () => {
    const userIds = await registerUsers(rig.server, 16);
    const acknowledgedBefore = acknowledged.length;
    let killed = false;
    let sent = 0;
    const statuses = new Map<number, number>();
    const clients = Array.from({ length: 16 }, async (_, client) => {
      let errorsSinceKill = 0;
      for (let n = 0; errorsSinceKill < 3; n++) {
        const answer = await rename(userIds[(client + n) % userIds.length]!, `crash ${client}-${n}`);
        sent++;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (killed && answer.status === 0) errorsSinceKill++;
        if (killed && answer.status === 0) await sleep(50);
      }
    });
    await sleep(2_000);
    await rig.server.crash();
    killed = true;
    await Promise.all(clients);
    expect(acknowledged.length - acknowledgedBefore).toBeGreaterThan(50);
    // Only the kill may cut requests off; nothing answered 5xx.
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);

    await rig.server.start();
    const after = await rename(userIds[0]!, "after the crash");
    expect(after.status).toBe(200);
    await checkAcknowledged(rig.database, acknowledged, unanswered);
    figures.record("SIGKILL under load", {
      clients: 16,
      requests: sent,
      acknowledged: acknowledged.length - acknowledgedBefore,
      cutOff: statuses.get(0) ?? 0,
    });
  });

  it("PostgreSQL restarted under load: 503 problems with Retry-After, never a hang or a 500, and the server recovers by itself", async () => {
    // One user per writing client: no lost races (those are the If-Match test's), only the outage.
    const userIds = await registerUsers(rig.server, 8);
    const answers: (Answer & { during: boolean })[] = [];
    let phase: "before" | "down" | "back" = "before";
    let stop = false;
    const clients = Array.from({ length: 16 }, async (_, client) => {
      for (let n = 0; !stop; n++) {
        const during = phase === "down";
        const userId = client % 2 === 0 ? userIds[client / 2]! : userIds[n % userIds.length]!;
        const answer =
          client % 2 === 0
            ? await rename(userId, `restart ${client}-${n}`)
            : await send(rig.server, "GET", `/api/users/${userId}?version=1`, { timeoutMs: 15_000 });
        answers.push({ ...answer, during });
        if (answer.status === 503) await sleep(100);
      }
    });
    await sleep(1_500);
    phase = "down";
    rig.cluster.stop();
    await sleep(1_000);
    const readyWhileDown = await send(rig.server, "GET", "/api/ready");
    await sleep(2_000);
    rig.cluster.start();
    phase = "back";
    const backAt = Date.now();
    // Until requests succeed again, by themselves (no server restart).
    let recoveredAt: number | undefined;
    while (Date.now() - backAt < 30_000 && recoveredAt === undefined) {
      await sleep(200);
      const recent = answers.filter((answer) => answer.startedAt > backAt + 200);
      if (recent.length >= 20 && recent.slice(-20).every((answer) => answer.status === 200)) recoveredAt = Date.now();
    }
    stop = true;
    await Promise.all(clients);

    expect(readyWhileDown.status).toBe(503);
    expect(JSON.parse(readyWhileDown.text)).toMatchObject({ status: "not ready", checks: { database: { ok: false } } });
    expect(recoveredAt, "requests succeed again after PostgreSQL is back").toBeDefined();
    const unavailableAnswers = answers.filter((answer) => answer.status === 503);
    expect(unavailableAnswers.length).toBeGreaterThan(0);
    for (const answer of unavailableAnswers) {
      expect(answer.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.parse(answer.text)).toMatchObject({
        status: 503,
        type: "https://rewind.dev/problems/database-unavailable",
      });
    }
    const other = answers.filter((answer) => answer.status !== 200 && answer.status !== 503);
    expect(other.map((answer) => `${answer.status} ${answer.error ?? answer.text.slice(0, 120)}`)).toEqual([]);
    const slowest = Math.max(...answers.map((answer) => answer.endedAt - answer.startedAt));
    expect(slowest).toBeLessThan(10_000);
    expect((await send(rig.server, "GET", "/api/ready")).status).toBe(200);
    await checkAcknowledged(rig.database, acknowledged, unanswered);
    figures.record("PostgreSQL restart under load", {
      clients: 16,
      requests: answers.length,
      answered503: unavailableAnswers.length,
      slowestMs: slowest,
      recoveredAfterMs: recoveredAt! - backAt,
    });
  });

  it("after all of it: every stream gap-free, the users table equal to a full fold, the projections caught up with the log", async () => {
    const { streams, events } = await checkLogAndUsersTable(rig.database);
    // The asynchronous projections recovered too: caught up with the log.
    for (let tries = 0; tries < 100; tries++) {
      const projections = JSON.parse((await send(rig.server, "GET", "/api/projections")).text) as {
        items: { state: string; lastError: string | null }[];
      };
      if (projections.items.every((projection) => projection.state === "up to date")) break;
      await sleep(200);
    }
    const projections = JSON.parse((await send(rig.server, "GET", "/api/projections")).text) as {
      items: { name: string; state: string }[];
    };
    expect(projections.items.map((projection) => projection.state)).toEqual(projections.items.map(() => "up to date"));
    expect(await nameChangesProjected(rig.database)).toEqual(await nameChangesByBruteForce(rig.database));
    figures.record("verified after the faults", { streams, events, acknowledgedCommandsChecked: acknowledged.length });
  });
});
