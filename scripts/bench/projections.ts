// `npm run bench:projections`: on PostgreSQL (DATABASE_URL's server, a fresh database):
//  1. rebuild throughput of name_changes over ~1M events, against a raw scan of the same rows in
//     batches of the same size through `pg` (the baseline);
//  2. append → Server-Sent Events delivery latency through the production server;
//  3. the state of a 10,000-event stream at a random version, with snapshots and without.
// Usage: DATABASE_URL=postgresql://… npm run bench:projections -- [--users 100000]
import { randomUUID } from "node:crypto";
import pg from "pg";
import { getServices } from "../../lib/application/services";
import { seedDemoUsers } from "../../lib/application/users/seed-demo-users";
import { userFold } from "../../lib/application/users/user-events";
import { nameChangesProjection } from "../../lib/application/users/name-changes-projection";
import { closeDatabase, provideDatabase } from "../../lib/db";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { userStreamId } from "../../lib/domain/users";
import { rebuildProjection } from "../../lib/projections/rebuild";
import { fixed, machineDescription, parseFlags, percentile } from "./harness";
import { createBenchDatabase } from "./database";
import { startProductionServer, type RunningServer } from "./server";

const flags = parseFlags(process.argv.slice(2));
const users = Number(flags.get("users") ?? 100_000);

const rows: string[] = [];
const bench = await createBenchDatabase("bench:projections");
const benchUrl = bench.url;
let server: RunningServer | undefined;
try {
  const database = createPostgresDatabase(benchUrl, { maxConnections: 16 });
  await migrate(database);
  provideDatabase(database);
  const services = await getServices();
  const seeded = await seedDemoUsers(database, { users, months: 12, seed: 3, now: new Date() });
  const [{ server_version: serverVersion } = { server_version: "?" }] = await database.query<{
    server_version: string;
  }>("SELECT current_setting('server_version') AS server_version");
  console.log(`Machine: ${machineDescription(`PostgreSQL ${serverVersion}`)}`);
  console.log(`${seeded.users} users, ${seeded.events} events.\n`);

  // 1. Rebuild against a raw scan of the same rows, in batches of the same size, interleaved twice.
  const batch = 1000;
  const rawScan = async () => {
    const client = new pg.Client({ connectionString: benchUrl });
    await client.connect();
    const started = performance.now();
    let after = 0;
    let count = 0;
    for (;;) {
      const { rows: page } = await client.query<{ position: string }>({
        name: "scan",
        text: `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT ${batch}`,
        values: [after],
      });
      if (page.length === 0) break;
      count += page.length;
      after = Number(page[page.length - 1]!.position);
    }
    await client.end();
    return count / ((performance.now() - started) / 1000);
  };
  const rebuild = async () => {
    const started = performance.now();
    const { applied } = await rebuildProjection(services, nameChangesProjection, { batchSize: batch });
    return applied / ((performance.now() - started) / 1000);
  };
  const scans: [number, number] = [await rawScan(), 0];
  const rebuilds: [number, number] = [await rebuild(), 0];
  scans[1] = await rawScan();
  rebuilds[1] = await rebuild();
  const scanRate = (scans[0] + scans[1]) / 2;
  const rebuildRate = (rebuilds[0] + rebuilds[1]) / 2;
  console.log(
    `raw scan: ${fixed(scanRate)} events/s; rebuild of name_changes: ${fixed(rebuildRate)} events/s → ${fixed(rebuildRate / scanRate, 2)}×`,
  );
  rows.push(
    `| rebuild name_changes (events/s) | ${fixed(scanRate)} (raw keyset scan, batches of ${batch}) | ${fixed(rebuildRate)} | ${fixed(rebuildRate / scanRate, 2)}× | ≥ 0.3× |`,
  );

  // 3. A 10,000-event stream at random versions: with snapshots (every 100) and without.
  const userId = randomUUID();
  const streamId = userStreamId(userId);
  await services.store.appendToStream(
    streamId,
    [
      {
        type: "user.registered",
        data: { userId, name: "Long 0", email: `long-${userId}@example.com`, passwordHash: "x" },
      },
    ],
    { expectedVersion: "no_stream" },
  );
  for (let version = 1; version < 10_000; version += 1000) {
    const count = Math.min(1000, 10_000 - version);
    await services.store.appendToStream(
      streamId,
      Array.from({ length: count }, (_, i) => ({
        type: "user.renamed",
        data: { name: `Long ${version + i}`, previousName: `Long ${version + i - 1}` },
      })),
      { expectedVersion: version },
    );
  }
  await services.store.aggregateStream(streamId, userFold); // keeps the snapshots
  const plainFold = { initialState: userFold.initialState, evolve: userFold.evolve };
  const versions = Array.from({ length: 200 }, () => 1 + Math.floor(Math.random() * 10_000));
  const withSnapshots: number[] = [];
  const without: number[] = [];
  for (const toVersion of versions) {
    let started = performance.now();
    await services.store.aggregateStream(streamId, userFold, { toVersion });
    withSnapshots.push(performance.now() - started);
    started = performance.now();
    await services.store.aggregateStream(streamId, plainFold, { toVersion });
    without.push(performance.now() - started);
  }
  withSnapshots.sort((a, b) => a - b);
  without.sort((a, b) => a - b);
  const snapP50 = percentile(withSnapshots, 0.5);
  const plainP50 = percentile(without, 0.5);
  console.log(
    `state at a random version of 10,000: ${fixed(snapP50, 2)} ms with snapshots, ${fixed(plainP50, 2)} ms without (p50)`,
  );
  rows.push(
    `| state of a 10,000-event stream at a random version (p50) | ${fixed(plainP50, 2)} ms (plain fold from version 1) | ${fixed(snapP50, 2)} ms (p99 ${fixed(percentile(withSnapshots, 0.99), 2)} ms) | ${fixed(snapP50 / plainP50, 2)}× | ≤ 5 ms |`,
  );

  // 2. Append → SSE delivery through the production server.
  server = await startProductionServer({ DATABASE_URL: benchUrl, DATABASE_POOL_SIZE: "16" });
  const ids = (await database.query<{ id: string }>("SELECT id FROM users WHERE status = 'active' LIMIT 200")).map(
    (row) => row.id,
  );
  const abort = new AbortController();
  const stream = await fetch(`${server.base}/api/events/stream?from=now`, {
    signal: abort.signal,
    headers: server.auth,
  });
  const reader = stream.body!.getReader();
  const received = new Map<string, number>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").find((line) => line.startsWith("data: "));
        if (data) {
          const event = JSON.parse(data.slice(6)) as { streamId: string; version: number };
          received.set(`${event.streamId}@${event.version}`, performance.now());
        }
      }
    }
  })();
  await new Promise((done) => setTimeout(done, 500));
  const sent: { key: string; at: number; committed: number }[] = [];
  for (let i = 0; i < 300; i++) {
    const id = ids[i % ids.length]!;
    const at = performance.now();
    const response = await fetch(`${server.base}/api/users/${id}/rename`, {
      method: "POST",
      headers: { "content-type": "application/json", ...server.auth },
      body: JSON.stringify({ name: `Live ${i}` }),
    });
    const user = (await response.json()) as { version: number };
    sent.push({ key: `${userStreamId(id)}@${user.version}`, at, committed: performance.now() });
    await new Promise((done) => setTimeout(done, 20));
  }
  await new Promise((done) => setTimeout(done, 3000));
  abort.abort();
  await reading;
  const delivered = sent.filter((s) => received.has(s.key));
  const endToEnd = delivered.map((s) => received.get(s.key)! - s.at).sort((a, b) => a - b);
  const afterAck = delivered.map((s) => received.get(s.key)! - s.committed).sort((a, b) => a - b);
  console.log(
    `append → SSE: ${delivered.length}/${sent.length} delivered; from sending the command p50 ${fixed(percentile(endToEnd, 0.5), 1)} ms, p99 ${fixed(percentile(endToEnd, 0.99), 1)} ms; after its 200 p50 ${fixed(percentile(afterAck, 0.5), 1)} ms`,
  );
  rows.push(
    `| append → SSE delivery, ${delivered.length}/${sent.length} delivered (p50 / p99) | one frame: 16.7 ms | ${fixed(percentile(endToEnd, 0.5), 1)} / ${fixed(percentile(endToEnd, 0.99), 1)} ms from sending the command (${fixed(percentile(afterAck, 0.5), 1)} ms after its 200) | | p50 < 50 ms |`,
  );

  console.log("\n| what | baseline (same run) | Rewind | ratio | goal |\n|---|---|---|---|---|");
  for (const row of rows) console.log(row);
} finally {
  await server?.stop();
  await closeDatabase().catch(() => {});
  await bench.drop();
}
