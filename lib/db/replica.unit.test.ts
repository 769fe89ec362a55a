import { describe, expect, it } from "vitest";
import type { Database } from "./database";
import { createReplicaRouter, isLogPosition, isReplicaFailure } from "./replica";

/** A stand-in database: each query answers what `answer` returns (or throws). */
const fakeDatabase = (answer: (text: string) => unknown[]): Database & { queries: string[] } => {
  const queries: string[] = [];
  return {
    queries,
    async query(statement: { text: string } | string) {
      const text = typeof statement === "string" ? statement : statement.text;
      queries.push(text);
      return answer(text) as never;
    },
  } as unknown as Database & { queries: string[] };
};

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5433"), { code: "ECONNREFUSED" });

describe("choosing where a read runs", () => {
  const primary = fakeDatabase(() => [{ position: "0/200" }]);

  it("sends a read that has seen nothing to the replica, without asking it anything", async () => {
    const replica = fakeDatabase(() => [{ replayed: false }]);
    const router = createReplicaRouter(primary, replica);
    expect((await router.choose(undefined)).servedBy).toBe("replica");
    expect(replica.queries).toEqual([]);
  });

  it("sends a read to the replica once it has replayed the client's position, waiting a bounded while", async () => {
    let replays = 0;
    const replica = fakeDatabase(() => [{ replayed: ++replays >= 3 }]);
    const router = createReplicaRouter(primary, replica, { catchUpWaitMs: 200, pollIntervalMs: 1 });
    expect((await router.choose("0/200")).servedBy).toBe("replica");
    expect(replays).toBe(3);
  });

  it("sends it to the primary when the replica has not caught up within the bound", async () => {
    let clock = 0;
    const replica = fakeDatabase(() => {
      clock += 50;
      return [{ replayed: false }];
    });
    const router = createReplicaRouter(primary, replica, { catchUpWaitMs: 200, pollIntervalMs: 1, now: () => clock });
    expect((await router.choose("0/200")).servedBy).toBe("primary");
    expect(replica.queries.length).toBeLessThanOrEqual(5);
  });

  it("treats a server that is no standby (no replay position) as not caught up", async () => {
    const replica = fakeDatabase(() => [{ replayed: null }]);
    const router = createReplicaRouter(primary, replica, { catchUpWaitMs: 0 });
    expect((await router.choose("0/1")).servedBy).toBe("primary");
  });

  it("leaves a replica that failed alone for a while, then tries it again", async () => {
    let clock = 0;
    let down = true;
    const replica = fakeDatabase(() => {
      if (down) throw refused;
      return [{ replayed: true }];
    });
    const router = createReplicaRouter(primary, replica, { downForMs: 5_000, now: () => clock });
    expect((await router.choose("0/1")).servedBy).toBe("primary");
    down = false;
    clock = 4_999;
    expect((await router.choose(undefined)).servedBy).toBe("primary");
    expect((await router.choose("0/1")).servedBy).toBe("primary");
    expect(replica.queries).toHaveLength(1);
    clock = 5_000;
    expect((await router.choose("0/1")).servedBy).toBe("replica");
  });
});

describe("recognising a failed replica", () => {
  it("counts unreachable, lost, shutting-down and recovery-conflicted servers, not a query's own errors", () => {
    expect(isReplicaFailure(refused)).toBe(true);
    expect(isReplicaFailure(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isReplicaFailure(new Error("timeout exceeded when trying to connect"))).toBe(true);
    for (const code of ["08006", "08001", "57P01", "57P03", "40001"])
      expect(isReplicaFailure({ code }), code).toBe(true);
    for (const code of ["42P01", "22P02", "23505"]) expect(isReplicaFailure({ code }), code).toBe(false);
    expect(isReplicaFailure(new Error("User x does not exist"))).toBe(false);
    expect(isReplicaFailure(undefined)).toBe(false);
  });

  it("knows a log position from anything else", () => {
    expect(isLogPosition("0/16B3748")).toBe(true);
    expect(isLogPosition("1A/FFFFFFFF")).toBe(true);
    for (const other of ["", "16B3748", "0/", "0/16B3748; drop", "123456789/0", "x/y"])
      expect(isLogPosition(other), other).toBe(false);
  });
});
