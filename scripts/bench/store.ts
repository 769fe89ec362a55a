// `npm run bench:store`: the event store against raw node-postgres on the same server, same run.
// Usage: DATABASE_URL=postgresql://… npm run bench:store -- [--seconds 5] [--stream-events 10000]
// Works in a fresh database it creates on that server and drops afterwards.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createPostgresDatabase } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { createEventStore, type RecordedEvent } from "../../lib/eventstore";
import { createBenchDatabase } from "./database";
import {
  fixed,
  machineDescription,
  measureInterleaved,
  parseFlags,
  percentile,
  ratio,
  timeRepeatedly,
  type Measurement,
} from "./harness";

const flags = parseFlags(process.argv.slice(2));
const seconds = Number(flags.get("seconds") ?? 8);
const streamEvents = Number(flags.get("stream-events") ?? 10_000);
const rounds = Number(flags.get("rounds") ?? 4);

// A row shaped like the ones appendToStream writes.
const sampleData = { name: "Ada Lovelace", email: "ada@example.com", schemaVersion: 1 };
const sampleMetadata = () => ({
  eventId: randomUUID(),
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: randomUUID(),
  actor: "bench",
});

const rawInsert = {
  name: "bench.raw_insert",
  text: `INSERT INTO raw_events (stream_id, stream_type, version, type, data, metadata, command_id)
         VALUES ($1, 'user', 1, 'user.registered', $2::jsonb, $3::jsonb, $4)`,
};
const rawBatchInsert = {
  name: "bench.raw_batch_insert",
  text: `INSERT INTO raw_events (stream_id, stream_type, version, type, data, metadata)
         SELECT $1, 'user', v, 'user.renamed', $2::jsonb, m::jsonb
           FROM unnest($3::int[], $4::text[]) AS b(v, m)`,
};
// The same columns readStream selects: the baseline is the query alone, without our mapping and fold.
const rawRead = {
  name: "bench.raw_read",
  text: `SELECT position, stream_id, stream_type, version, type, data, metadata, recorded_at FROM events WHERE stream_id = $1 ORDER BY version`,
};

interface Row {
  what: string;
  concurrency: number | string;
  baseline: string;
  figure: string;
  ratio: string;
  goal: string;
}
const rows: Row[] = [];
const describe = (m: Measurement, unit = "/s") =>
  `${fixed(m.perSecond)}${unit} (p50 ${fixed(m.p50, 1)} ms, p99 ${fixed(m.p99, 1)} ms${m.errors ? `, ${m.errors} errors` : ""})`;

function pgbench(concurrency: number): number | undefined {
  try {
    execFileSync("pgbench", ["--version"], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "rewind-pgbench-"));
  const script = path.join(dir, "insert.sql");
  writeFileSync(
    script,
    `INSERT INTO raw_events (stream_id, stream_type, version, type, data, metadata, command_id)
     VALUES ('pgbench-' || gen_random_uuid(), 'user', 1, 'user.registered', '${JSON.stringify(sampleData)}', '${JSON.stringify(sampleMetadata())}', gen_random_uuid()::text);\n`,
  );
  const output = execFileSync(
    "pgbench",
    [
      "-n",
      "-M",
      "prepared",
      "-c",
      String(concurrency),
      "-j",
      String(Math.min(concurrency, 2)),
      "-T",
      String(seconds),
      "-f",
      script,
      benchUrl,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const tps = /tps = ([\d.]+)/.exec(output);
  return tps ? Number(tps[1]) : undefined;
}

// A checkpoint before each measurement, so that none pays for the WAL another one wrote.
async function checkpoint() {
  await bench.onServer("CHECKPOINT").catch(() => {});
}

const bench = await createBenchDatabase("bench:store");
const benchUrl = bench.url;
try {
  const setup = createPostgresDatabase(benchUrl, { maxConnections: 2 });
  await migrate(setup);
  // The same table, columns, defaults and indexes as events (not its append-only triggers).
  await setup.exec(`CREATE TABLE raw_events (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const [{ server_version: serverVersion, fsync } = {} as Record<string, string>] = await setup.query<
    Record<string, string>
  >(`SELECT current_setting('server_version') AS server_version, current_setting('fsync') AS fsync`);
  await setup.close();
  console.log(`Machine: ${machineDescription(`PostgreSQL ${serverVersion}, fsync ${fsync}`)}`);
  console.log(
    `Each figure: ${seconds} s in ${rounds} rounds alternating with its baseline, after a warm-up; load generator and server share the machine.\n`,
  );

  for (const concurrency of [1, 4, 16]) {
    const rawPool = new pg.Pool({ connectionString: benchUrl, max: concurrency });
    const database = createPostgresDatabase(benchUrl, { maxConnections: concurrency });
    const store = createEventStore(database);

    const versions = new Array<number>(concurrency).fill(0);
    const streamOf = Array.from({ length: concurrency }, () => `user-${randomUUID()}`);
    const { raw, newStreams, existingStreams } = await measureInterleaved(
      {
        raw: {
          concurrency,
          operation: () =>
            rawPool.query({
              ...rawInsert,
              values: [
                `raw-${randomUUID()}`,
                JSON.stringify(sampleData),
                JSON.stringify(sampleMetadata()),
                randomUUID(),
              ],
            }),
        },
        newStreams: {
          concurrency,
          operation: () =>
            store.appendToStream(`user-${randomUUID()}`, [{ type: "user.registered", data: sampleData }], {
              expectedVersion: "no_stream",
              metadata: { actor: "bench" },
            }),
        },
        existingStreams: {
          concurrency,
          operation: async (worker) => {
            const result = await store.appendToStream(streamOf[worker]!, [{ type: "user.renamed", data: sampleData }], {
              expectedVersion: versions[worker]!,
              metadata: { actor: "bench" },
            });
            versions[worker] = result.version;
          },
        },
      },
      { rounds, secondsPerRound: seconds / rounds, between: checkpoint },
    );
    const machineLimit = pgbench(concurrency);

    console.log(`c=${concurrency}  raw INSERT ${describe(raw)}`);
    console.log(`      append, new stream ${describe(newStreams)}  → ${ratio(newStreams.perSecond, raw.perSecond)}`);
    console.log(
      `      append, existing stream ${describe(existingStreams)}  → ${ratio(existingStreams.perSecond, raw.perSecond)}`,
    );
    if (machineLimit) console.log(`      pgbench, same row: ${fixed(machineLimit)}/s`);
    const goal = concurrency === 16 ? "≥ 0.8×" : "";
    rows.push(
      {
        what: "single-event append, new stream",
        concurrency,
        baseline: describe(raw),
        figure: describe(newStreams),
        ratio: ratio(newStreams.perSecond, raw.perSecond),
        goal,
      },
      {
        what: "single-event append, existing stream",
        concurrency,
        baseline: describe(raw),
        figure: describe(existingStreams),
        ratio: ratio(existingStreams.perSecond, raw.perSecond),
        goal,
      },
    );
    if (machineLimit)
      rows.push({
        what: "pgbench, same row (machine limit)",
        concurrency,
        baseline: "",
        figure: `${fixed(machineLimit)}/s`,
        ratio: "",
        goal: "",
      });
    await rawPool.end();
    await database.close();
  }

  {
    const concurrency = 16;
    const batch = 100;
    const rawPool = new pg.Pool({ connectionString: benchUrl, max: concurrency });
    const database = createPostgresDatabase(benchUrl, { maxConnections: concurrency });
    const store = createEventStore(database);
    const events = Array.from({ length: batch }, () => ({ type: "user.renamed", data: sampleData }));
    const { rawBatch, ourBatch } = await measureInterleaved(
      {
        rawBatch: {
          concurrency,
          operation: () =>
            rawPool.query({
              ...rawBatchInsert,
              values: [
                `raw-${randomUUID()}`,
                JSON.stringify(sampleData),
                Array.from({ length: batch }, (_, i) => i + 1),
                Array.from({ length: batch }, () => JSON.stringify(sampleMetadata())),
              ],
            }),
        },
        ourBatch: {
          concurrency,
          operation: () =>
            store.appendToStream(`user-${randomUUID()}`, events, {
              expectedVersion: "no_stream",
              metadata: { actor: "bench" },
            }),
        },
      },
      { rounds, secondsPerRound: seconds / rounds, between: checkpoint },
    );
    console.log(`\nc=${concurrency}  raw 100-row INSERT ${describe(rawBatch, " batches/s")}`);
    console.log(
      `      append of 100 events ${describe(ourBatch, " batches/s")}  → ${ratio(ourBatch.perSecond, rawBatch.perSecond)}`,
    );
    rows.push({
      what: "100-event append",
      concurrency,
      baseline: describe(rawBatch, " batches/s"),
      figure: describe(ourBatch, " batches/s"),
      ratio: ratio(ourBatch.perSecond, rawBatch.perSecond),
      goal: "≥ 0.7×",
    });
    await rawPool.end();
    await database.close();
  }

  {
    const database = createPostgresDatabase(benchUrl, { maxConnections: 1 });
    const store = createEventStore(database);
    const streamId = `user-${randomUUID()}`;
    for (let version = 0; version < streamEvents; version += 1000) {
      await store.appendToStream(
        streamId,
        Array.from({ length: 1000 }, (_, i) => ({
          type: "user.renamed",
          data: { ...sampleData, name: `Name ${version + i}` },
        })),
        {
          expectedVersion: version,
        },
      );
    }
    const rawPool = new pg.Pool({ connectionString: benchUrl, max: 1 });
    const fold = {
      initialState: { name: "", renames: 0 },
      evolve: (state: { name: string; renames: number }, event: RecordedEvent) => ({
        name: event.data.name as string,
        renames: state.renames + 1,
      }),
    };
    const repeats = 30;
    // Interleaved, so that drift in the machine's speed hits both alike.
    const rawTimes: number[] = [];
    const ourTimes: number[] = [];
    for (let i = 0; i < repeats + 3; i++) {
      const [rawTime] = await timeRepeatedly(1, () => rawPool.query({ ...rawRead, values: [streamId] }));
      const [ourTime] = await timeRepeatedly(1, () => store.aggregateStream(streamId, fold));
      if (i >= 3) {
        rawTimes.push(rawTime!);
        ourTimes.push(ourTime!);
      }
    }
    rawTimes.sort((a, b) => a - b);
    ourTimes.sort((a, b) => a - b);
    const rawP50 = percentile(rawTimes, 0.5);
    const ourP50 = percentile(ourTimes, 0.5);
    console.log(
      `\nread ${streamEvents} events: raw SELECT p50 ${fixed(rawP50, 1)} ms; readStream + fold p50 ${fixed(ourP50, 1)} ms → ${ratio(ourP50, rawP50)} the raw time`,
    );
    rows.push({
      what: `read + fold of a ${streamEvents.toLocaleString("en")}-event stream (p50, lower is better)`,
      concurrency: 1,
      baseline: `${fixed(rawP50, 1)} ms`,
      figure: `${fixed(ourP50, 1)} ms`,
      ratio: ratio(ourP50, rawP50),
      goal: "≤ 1.1×",
    });
    await rawPool.end();
    await database.close();
  }

  console.log("\n| what | c | raw pg baseline | Rewind | ratio | goal |\n|---|---|---|---|---|---|");
  for (const row of rows)
    console.log(`| ${row.what} | ${row.concurrency} | ${row.baseline} | ${row.figure} | ${row.ratio} | ${row.goal} |`);
} finally {
  await bench.drop();
}
