// Reads from a streaming replica (DATABASE_REPLICA_URL, docs/SCALING.md §2): the time-travel and
// history reads go to the replica, but a client that sends back the log position of a command's
// answer never sees a state older than that command; a replica that is down costs reads nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, provideDatabase } from "@/lib/db";
import { createPostgresDatabase, type Database } from "@/lib/db/database";
import { logger, useLogger } from "@/lib/observability/logger";
import { captureLog } from "@/lib/testing/captured-log";
import { api, newUserInput } from "@/lib/testing/api";
import { clusterUnavailableReason, createMigratedPrimaryAndReplica, type Cluster } from "@/lib/testing/pg-cluster";

const unavailable = clusterUnavailableReason();
const positionHeader = "rewind-log-position";

/** Which database the request with this correlation id was logged as read from. */
const readFromIn = (lines: Record<string, unknown>[], correlationId: string) =>
  lines.find((line) => line.msg === "request" && line.correlationId === correlationId)?.readFrom;

describe.skipIf(unavailable)(`reads from a streaming replica${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let primaryCluster: Cluster;
  let replicaCluster: Cluster;
  let primary: Database;
  let replica: Database;

  const register = async () => {
    const response = await api.post("/api/users", newUserInput());
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string };
  };

  /** Renames the user; the answer's log position. */
  const rename = async (userId: string, name: string) => {
    const response = await api.post(`/api/users/${userId}/rename`, { name });
    expect(response.status).toBe(200);
    const position = response.headers.get(positionHeader);
    expect(position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    return position!;
  };

  beforeAll(async () => {
    ({ primary: primaryCluster, replica: replicaCluster } = await createMigratedPrimaryAndReplica());
    primary = createPostgresDatabase(primaryCluster.url("rewind"));
    replica = createPostgresDatabase(replicaCluster.url("rewind"), { connectTimeoutMs: 1_000 });
    provideDatabase(primary, replica);
  }, 120_000);

  const silent = logger();
  afterEach(() => useLogger(silent));

  afterAll(async () => {
    await closeDatabase();
    replicaCluster?.destroy();
    primaryCluster?.destroy();
  });

  it("never answers a time-travel read with a state older than the command whose position it sends back", async () => {
    const user = await register();
    for (let version = 2; version <= 31; version++) {
      const name = `Renamed ${version}`;
      const position = await rename(user.id, name);
      const read = await api.get(`/api/users/${user.id}?version=${version}`, {
        headers: { [positionHeader]: position },
      });
      expect(read.status, `version ${version}`).toBe(200);
      expect(read.body).toMatchObject({ name, version });
      expect(read.headers.get(positionHeader)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    }
  });

  it("serves reads without a position from the replica, and a read with one from the primary while the replica lags", async () => {
    const user = await register();
    const caughtUp = await rename(user.id, "Before the pause");
    await expect
      .poll(async () => (await api.get(`/api/users/${user.id}?version=2`)).status, { timeout: 10_000 })
      .toBe(200);

    await replica.query("SELECT pg_wal_replay_pause()");
    try {
      const position = await rename(user.id, "While the replica lags");
      const log = captureLog().lines;
      // The replica has not replayed the rename: a read that does not say what it has seen gets its older history…
      const tokenless = await api.get(`/api/users/${user.id}?version=3`, {
        headers: { "x-correlation-id": "tokenless-read" },
      });
      expect(tokenless.status).toBe(404);
      expect(readFromIn(log(), "tokenless-read")).toBe("replica");
      // (the 404 says as of which position, like any answer a replica gave)
      expect(tokenless.headers.get(positionHeader)).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect((await api.get(`/api/users/${user.id}/events`)).body.items).toHaveLength(2);
      // …one that has seen only the earlier command is served there too…
      const earlier = await api.get(`/api/users/${user.id}?version=2`, { headers: { [positionHeader]: caughtUp } });
      expect(earlier.body).toMatchObject({ name: "Before the pause" });
      // …and one that sends the rename's position is answered by the primary, with it.
      const current = await api.get(`/api/users/${user.id}?version=3`, {
        headers: { [positionHeader]: position, "x-correlation-id": "read-after-rename" },
      });
      expect(current.status).toBe(200);
      expect(readFromIn(log(), "read-after-rename")).toBe("primary");
      expect(current.body).toMatchObject({ name: "While the replica lags", version: 3 });
      const history = await api.get(`/api/users/${user.id}/events`, { headers: { [positionHeader]: position } });
      expect(history.body.items).toHaveLength(3);
    } finally {
      await replica.query("SELECT pg_wal_replay_resume()");
    }
  });

  it("refuses a log position that is not one, rather than guessing", async () => {
    const user = await register();
    const response = await api.get(`/api/users/${user.id}?version=1`, { headers: { [positionHeader]: "yesterday" } });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("reads from the primary, without an error, while the replica is down", async () => {
    const user = await register();
    const position = await rename(user.id, "With the replica down");
    replicaCluster.stop();
    const log = captureLog().lines;
    const withAndWithoutPosition: Record<string, string>[] = [{}, { [positionHeader]: position }];
    for (const headers of withAndWithoutPosition) {
      const read = await api.get(`/api/users/${user.id}?version=2`, { headers });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ name: "With the replica down", version: 2 });
      const history = await api.get(`/api/users/${user.id}/events`, { headers });
      expect(history.status).toBe(200);
      expect(history.body.items).toHaveLength(2);
    }
    // The first read found the replica gone and said so once; the others did not try it again.
    expect(
      log()
        .filter((line) => line.msg === "request")
        .map((line) => line.readFrom),
    ).toEqual(["primary", "primary", "primary", "primary"]);
    expect(log().filter((line) => String(line.msg).startsWith("read replica unavailable"))).toHaveLength(1);
  });
});
