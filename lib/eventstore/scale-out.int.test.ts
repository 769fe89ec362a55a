// The claims of docs/SCALING.md that one machine can check:
// - a streaming replica (pg_basebackup) serves time travel and the feed exactly as the primary does,
//   refuses writes, and can lag behind — which is why commands read and write on the primary only;
// - the events table partitioned by HASH(stream_id) runs the store unchanged, conflicts included;
// - partitioned by RANGE(position), PostgreSQL makes the position part of every unique key, so the
//   (stream_id, version) guard that optimistic concurrency rests on is lost: it needs a stream-head
//   table first (the guide says so; this shows why).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, type Database } from "../db/database";
import { testBackends } from "../testing/databases";
import { feedShowsEverything } from "../testing/projections";
import { clusterUnavailableReason, createMigratedPrimaryAndReplica, type Cluster } from "../testing/pg-cluster";
import { createEventStore, WrongExpectedVersion, type EventStore, type Fold, type RecordedEvent } from "./index";

const unavailable = clusterUnavailableReason();

interface Counter {
  count: number;
  names: string[];
}
const counterFold: Fold<Counter> = {
  initialState: { count: 0, names: [] },
  evolve: (state, event) => ({
    count: state.count + 1,
    names: [...state.names, String((event.data as { name?: string }).name)],
  }),
};

async function writeHistory(store: EventStore, streams: number, eventsPerStream: number): Promise<string[]> {
  const ids = Array.from({ length: streams }, () => `thing-${randomUUID()}`);
  for (let round = 0; round < eventsPerStream; round++) {
    await Promise.all(
      ids.map((id) =>
        store.appendToStream(id, [{ type: "thing.renamed", data: { name: `${id}-${round}` } }], {
          expectedVersion: round === 0 ? "no_stream" : round,
        }),
      ),
    );
  }
  return ids;
}

async function everyEvent(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 100 });
    events.push(...page.events);
    if (page.events.length === 0) return events;
    after = page.lastPosition;
  }
}

const caughtUp = async (primary: Database, replica: Database) => {
  const [{ lsn }] = (await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn")) as [
    { lsn: string },
  ];
  for (let tries = 0; tries < 400; tries++) {
    const [{ behind }] = (await replica.query<{ behind: boolean }>(
      "SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind",
      [lsn],
    )) as [{ behind: boolean }];
    if (!behind) return;
    await new Promise((done) => setTimeout(done, 25));
  }
  throw new Error("the replica did not catch up");
};

describe.skipIf(unavailable)(`a streaming read replica${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let primaryCluster: Cluster;
  let replicaCluster: Cluster;
  let primary: Database;
  let replica: Database;

  beforeAll(async () => {
    ({ primary: primaryCluster, replica: replicaCluster } = await createMigratedPrimaryAndReplica());
    primary = createPostgresDatabase(primaryCluster.url("rewind"));
    replica = createPostgresDatabase(replicaCluster.url("rewind"));
  }, 120_000);

  afterAll(async () => {
    await primary?.close();
    await replica?.close();
    replicaCluster?.destroy();
    primaryCluster?.destroy();
  });

  it("serves every stream at every version and instant, and the whole feed, exactly as the primary", async () => {
    const onPrimary = createEventStore(primary);
    const onReplica = createEventStore(replica);
    const ids = await writeHistory(onPrimary, 20, 5);
    await caughtUp(primary, replica);

    expect(await everyEvent(onReplica)).toEqual(await everyEvent(onPrimary));
    for (const id of ids) {
      const events = await onPrimary.readStream(id);
      for (const event of events) {
        expect(await onReplica.aggregateStream(id, counterFold, { toVersion: event.version })).toEqual(
          await onPrimary.aggregateStream(id, counterFold, { toVersion: event.version }),
        );
      }
      const instant = events[2]!.recordedAt;
      expect(await onReplica.readStream(id, { until: instant })).toEqual(
        await onPrimary.readStream(id, { until: instant }),
      );
    }
    expect(await onReplica.headPosition()).toBe(await onPrimary.headPosition());
  });

  it("refuses writes, and can be behind the primary — so a command must never decide on what it read there", async () => {
    const onPrimary = createEventStore(primary);
    const onReplica = createEventStore(replica);
    const [id] = await writeHistory(onPrimary, 1, 2);
    await caughtUp(primary, replica);

    await expect(
      onReplica.appendToStream(id!, [{ type: "thing.renamed", data: { name: "x" } }], { expectedVersion: 2 }),
    ).rejects.toMatchObject({
      code: "25006", // read_only_sql_transaction
    });

    // Replication lag, made visible: while the replica's replay is paused the primary moves on.
    await replica.query("SELECT pg_wal_replay_pause()");
    try {
      await onPrimary.appendToStream(id!, [{ type: "thing.renamed", data: { name: "on the primary" } }], {
        expectedVersion: 2,
      });
      const seenOnReplica = await onReplica.aggregateStream(id!, counterFold);
      expect(seenOnReplica.version).toBe(2);
      // A command that decided on the replica's version would be refused by the primary (or, without
      // an expected version, would decide on a stale state): commands read on the primary.
      await expect(
        onPrimary.appendToStream(id!, [{ type: "thing.renamed", data: { name: "stale" } }], {
          expectedVersion: seenOnReplica.version,
        }),
      ).rejects.toBeInstanceOf(WrongExpectedVersion);
    } finally {
      await replica.query("SELECT pg_wal_replay_resume()");
    }
    await caughtUp(primary, replica);
    expect((await onReplica.aggregateStream(id!, counterFold)).version).toBe(3);
  });
});

// The events table as migrations make it, rebuilt as a partitioned table with the same columns,
// keys, indexes and append-only triggers (on an empty database).
async function partitionEvents(database: Database, partitioning: "hash" | "range"): Promise<void> {
  await database.exec(`
    DROP TABLE events;
    CREATE SEQUENCE events_position_seq;
    CREATE TABLE events (
      stream_id text NOT NULL,
      version integer NOT NULL,
      position bigint NOT NULL DEFAULT nextval('events_position_seq'),
      stream_type text NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      command_id text,
      recorded_at timestamptz(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
      transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id()
    ) PARTITION BY ${partitioning === "hash" ? "HASH (stream_id)" : "RANGE (position)"};
    ${
      partitioning === "hash"
        ? [0, 1, 2, 3]
            .map((r) => `CREATE TABLE events_p${r} PARTITION OF events FOR VALUES WITH (MODULUS 4, REMAINDER ${r});`)
            .join("\n")
        : [0, 1, 2, 3]
            .map(
              (r) =>
                `CREATE TABLE events_p${r} PARTITION OF events FOR VALUES FROM (${r * 50 + 1}) TO (${r * 50 + 51});`,
            )
            .join("\n") + "\nCREATE TABLE events_later PARTITION OF events DEFAULT;"
    }
    CREATE INDEX events_position_idx ON events (position);
    CREATE INDEX events_transaction_id_position_idx ON events (transaction_id, position);
    CREATE INDEX events_type_recorded_at_idx ON events (type, recorded_at);
    CREATE INDEX events_actor_recorded_at_idx ON events ((metadata->>'actor'), recorded_at DESC, position DESC);
    CREATE INDEX events_recorded_at_position_idx ON events (recorded_at, position);
    CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
  `);
}

describe.each(testBackends())("the events table partitioned natively, on $name", (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it("by HASH(stream_id): the store runs unchanged — conflicts, retries, the feed's order and time travel", async () => {
    await partitionEvents(database, "hash");
    await database.exec(`
      ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (stream_id, version);
      CREATE UNIQUE INDEX events_stream_id_command_id_key ON events (stream_id, command_id);
    `);
    const store = createEventStore(database);
    const ids = await writeHistory(store, 12, 4);
    const partitionsUsed = await database.query<{ partition: string }>(
      "SELECT DISTINCT tableoid::regclass::text AS partition FROM events",
    );
    expect(partitionsUsed.length).toBeGreaterThan(1);

    // The feed: every event once, in a consistent order, across partitions.
    await feedShowsEverything(database);
    const feed = await everyEvent(store);
    expect(feed).toHaveLength(48);
    expect(new Set(feed.map((event) => event.position)).size).toBe(48);
    // Optimistic concurrency: of two appends expecting the same version, one wins.
    const racing = await Promise.allSettled(
      ["a", "b"].map((name) =>
        store.appendToStream(ids[0]!, [{ type: "thing.renamed", data: { name } }], { expectedVersion: 4 }),
      ),
    );
    expect(racing.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(racing.find((outcome) => outcome.status === "rejected")).toMatchObject({
      reason: expect.any(WrongExpectedVersion),
    });
    // Retries by command id append nothing twice.
    const commandId = randomUUID();
    const first = await store.appendToStream(ids[1]!, [{ type: "thing.renamed", data: { name: "once" } }], {
      expectedVersion: "any",
      metadata: { commandId },
    });
    const retry = await store.appendToStream(ids[1]!, [{ type: "thing.renamed", data: { name: "once" } }], {
      expectedVersion: "any",
      metadata: { commandId },
    });
    expect(retry).toMatchObject({ replayed: true, version: first.version });
    // Time travel.
    expect(await store.aggregateStream(ids[2]!, counterFold, { toVersion: 2 })).toEqual({
      state: { count: 2, names: [`${ids[2]}-0`, `${ids[2]}-1`] },
      version: 2,
    });
    // Append-only still holds on every partition.
    await expect(database.query("UPDATE events SET type = 'x' WHERE stream_id = $1", [ids[0]])).rejects.toThrow(
      /append-only/,
    );
  });
});

describe.each(testBackends())("the events table partitioned by RANGE(position), on $name", (backend) => {
  let database: Database;
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(() => database.close());

  it("cannot keep (stream_id, version) unique — the store's concurrency guard — while old partitions prune away", async () => {
    await partitionEvents(database, "range");
    await expect(
      database.exec("ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (stream_id, version)"),
    ).rejects.toThrow(/must include all partitioning columns/);
    // The key PostgreSQL accepts includes the position: then two events may claim one version.
    await database.exec(`ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (stream_id, version, position)`);
    const insert = `INSERT INTO events (stream_id, version, stream_type, type, data, metadata) VALUES ('thing-1', 1, 'thing', 'thing.renamed', '{}', '{}')`;
    await database.query(insert);
    await database.query(insert);
    const [{ copies }] = (await database.query<{ copies: number }>(
      "SELECT count(*)::int AS copies FROM events WHERE stream_id = 'thing-1'",
    )) as [{ copies: number }];
    expect(copies).toBe(2);

    // What range partitioning is for: the feed's reads past a position skip the older partitions.
    await database.exec("ANALYZE events");
    const plan = (
      await database.query<{ "QUERY PLAN": string }>(
        "EXPLAIN SELECT * FROM events WHERE position > 120 ORDER BY position LIMIT 10",
      )
    )
      .map((row) => row["QUERY PLAN"])
      .join("\n");
    expect(plan).not.toMatch(/events_p0|events_p1/);
    expect(plan).toMatch(/events_p2/);
  });
});
