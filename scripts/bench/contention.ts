// `npm run bench:contention`: many writers renaming one user at once, without If-Match, through the
// command handler (no HTTP). Baseline in the same run: as many writers renaming a user each (no race).
// Usage: [DATABASE_URL=postgresql://…] npm run bench:contention -- [--writers 64] [--bursts 10] [--processes 2]
// Always on embedded PGlite (in memory); on PostgreSQL too when DATABASE_URL is set (a fresh
// database on that server, dropped afterwards; pool of DATABASE_POOL_SIZE, default 20).
// --processes N (PostgreSQL only): the writers of each burst are split over N server processes, as
// with several instances of Rewind on one database (turns serialise within a process only).
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { executeUserCommand } from "../../lib/application/users/user-commands";
import { closeDatabase, provideDatabase } from "../../lib/db";
import { createPGliteDatabase, createPostgresDatabase, type Database, type Queryable } from "../../lib/db/database";
import { migrate } from "../../lib/db/migrate";
import { openPGlite } from "../../lib/db/open";
import { createBenchDatabase } from "./database";
import { fixed, machineDescription, parseFlags, percentile, ratio } from "./harness";

const flags = parseFlags(process.argv.slice(2));
const writers = Number(flags.get("writers") ?? 64);
const bursts = Number(flags.get("bursts") ?? 10);
const processes = Number(flags.get("processes") ?? 1);
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 20);

/** Every statement the handler sends, counted (appends apart: one per attempt). */
const counted = { statements: 0, appends: 0 };
function count(statement: unknown) {
  counted.statements++;
  const name = typeof statement === "object" && statement !== null ? (statement as { name?: string }).name : undefined;
  const text = typeof statement === "string" ? statement : ((statement as { text?: string }).text ?? "");
  if (name?.startsWith("rewind.append") || /^\s*(WITH appended AS \()?\s*INSERT INTO events/.test(text))
    counted.appends++;
}
function counting(database: Database): Database {
  const onTx = (tx: Queryable): Queryable => ({
    query: (statement, values) => (count(statement), tx.query(statement, values)),
    exec: (script) => (count(script), tx.exec(script)),
  });
  return Object.assign(Object.create(database) as Database, {
    query: (statement, values) => (count(statement), database.query(statement, values)),
    // BEGIN and COMMIT are round trips too.
    transaction: (work) => ((counted.statements += 2), database.transaction((tx) => work(onTx(tx)))),
  } satisfies Pick<Database, "query" | "transaction">);
}

interface Burst {
  latencies: number[];
  /** Renames of other users sent during the burst: what a hot user costs everyone else. */
  bystanderLatencies: number[];
  landed: number;
  /** The burst's and the bystanders': the statements and appends counted are theirs. */
  commands: number;
  wallMs: number;
  statements: number;
  appends: number;
}

async function rename(userId: string, name: string): Promise<{ ok: boolean; ms: number }> {
  const begun = performance.now();
  try {
    await executeUserCommand({ type: "RenameUser", userId, name }, { actor: "bench", correlationId: randomUUID() });
    return { ok: true, ms: performance.now() - begun };
  } catch {
    return { ok: false, ms: performance.now() - begun };
  }
}

async function burst(userIds: string[], bystanders: string[], tag: string): Promise<Burst> {
  counted.statements = 0;
  counted.appends = 0;
  const started = performance.now();
  const running = Promise.all(userIds.map((userId, index) => rename(userId, `${tag} ${index}`)));
  // Started once the burst is under way, one after another: each waits behind whatever the burst holds.
  const bystanderLatencies: number[] = [];
  await new Promise((resolve) => setTimeout(resolve, 20));
  for (const [index, userId] of bystanders.entries())
    bystanderLatencies.push((await rename(userId, `${tag} bystander ${index}`)).ms);
  const outcomes = await running;
  return {
    bystanderLatencies,
    latencies: outcomes.map((outcome) => outcome.ms),
    landed: outcomes.filter((outcome) => outcome.ok).length,
    commands: outcomes.length + bystanderLatencies.length,
    wallMs: performance.now() - started,
    statements: counted.statements,
    appends: counted.appends,
  };
}

async function register(): Promise<string> {
  const userId = randomUUID();
  await executeUserCommand(
    {
      type: "RegisterUser",
      userId,
      name: "Bench User",
      email: `bench-${userId}@example.com`,
      password: "bench password",
    },
    { actor: "bench", correlationId: randomUUID() },
  );
  return userId;
}

function summary(parts: Burst[]) {
  const latencies = parts.flatMap((part) => part.latencies).sort((a, b) => a - b);
  const commands = parts.length * writers;
  const counted = parts.reduce((sum, part) => sum + part.commands, 0);
  return {
    landed: parts.reduce((sum, part) => sum + part.landed, 0),
    bystanderP50: percentile(
      parts.flatMap((part) => part.bystanderLatencies).sort((a, b) => a - b),
      0.5,
    ),
    commands,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    wallMs: parts.reduce((sum, part) => sum + part.wallMs, 0) / parts.length,
    statementsPerCommand: parts.reduce((sum, part) => sum + part.statements, 0) / counted,
    attemptsPerCommand: parts.reduce((sum, part) => sum + part.appends, 0) / counted,
  };
}

/** Runs each burst in `processes` child processes, each with its own pool and its share of the writers. */
function burstsInProcesses(url: string): { burst: typeof burst; close: () => void } {
  const children: ChildProcess[] = Array.from({ length: processes }, () =>
    fork(process.argv[1]!, [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, CONTENTION_CHILD_URL: url },
      stdio: "inherit",
    }),
  );
  const ask = (child: ChildProcess, userIds: string[], tag: string) =>
    new Promise<Burst>((resolve) => {
      child.once("message", (answer) => resolve(answer as Burst));
      child.send({ userIds, tag });
    });
  return {
    async burst(userIds, _bystanders, tag) {
      const share = Math.ceil(userIds.length / processes);
      const parts = await Promise.all(
        children.map((child, index) =>
          ask(child, userIds.slice(index * share, (index + 1) * share), `${tag} p${index}`),
        ),
      );
      return {
        latencies: parts.flatMap((part) => part.latencies),
        bystanderLatencies: [],
        landed: parts.reduce((sum, part) => sum + part.landed, 0),
        commands: parts.reduce((sum, part) => sum + part.commands, 0),
        wallMs: Math.max(...parts.map((part) => part.wallMs)),
        statements: parts.reduce((sum, part) => sum + part.statements, 0),
        appends: parts.reduce((sum, part) => sum + part.appends, 0),
      };
    },
    close: () => children.forEach((child) => child.disconnect()),
  };
}

/** A child process of --processes: one pool of its own, bursts on request. */
async function serveBursts(url: string) {
  provideDatabase(counting(createPostgresDatabase(url, { maxConnections: poolSize })));
  // A failed burst ends the child with its error (an unhandled rejection), as before.
  process.on("message", (request: { userIds: string[]; tag: string }) => {
    void burst(request.userIds, [], request.tag).then((result) => process.send!(result));
  });
  process.on("disconnect", () => void closeDatabase());
}

async function run(backend: string, database: Database, url?: string) {
  provideDatabase(counting(database));
  // One user everyone renames, and one user per writer for the baseline (same work, no race).
  const contendedUser = await register();
  const ownUsers: string[] = [];
  for (let index = 0; index < writers; index++) ownUsers.push(await register());
  const bystanders: string[] = [];
  for (let index = 0; index < 4; index++) bystanders.push(await register());
  const everyoneOnOne = Array.from({ length: writers }, () => contendedUser);
  const split = url && processes > 1 ? burstsInProcesses(url) : undefined;
  const burst = split?.burst ?? burstHere;
  await burst(ownUsers, bystanders, "warm-up");
  await burst(everyoneOnOne, bystanders, "warm-up");

  const baseline: Burst[] = [];
  const contended: Burst[] = [];
  // Alternating bursts, so that drift on the shared machine falls on both alike.
  for (let round = 0; round < bursts; round++) {
    baseline.push(await burst(ownUsers, bystanders, `own ${round}`));
    contended.push(await burst(everyoneOnOne, bystanders, `shared ${round}`));
  }
  split?.close();
  await closeDatabase();

  const own = summary(baseline);
  const shared = summary(contended);
  console.log(
    `\n${backend}: ${bursts} bursts of ${writers} concurrent renames${split ? ` from ${processes} processes` : ""}`,
  );
  console.log(
    "| scenario | succeeded | p50 ms | p99 ms | burst ms | statements / command | appends / command | a bystander's rename, p50 ms |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const [name, figures] of [
    [`baseline: ${writers} writers, a user each`, own],
    [`${writers} writers, one user, no If-Match`, shared],
  ] as const) {
    console.log(
      `| ${name} | ${figures.landed}/${figures.commands} | ${fixed(figures.p50, 1)} | ${fixed(figures.p99, 1)} | ${fixed(figures.wallMs)} | ${fixed(figures.statementsPerCommand, 1)} | ${fixed(figures.attemptsPerCommand, 2)} | ${fixed(figures.bystanderP50, 1)} |`,
    );
  }
  console.log(
    `| ratio (one user / baseline) | | ${ratio(shared.p50, own.p50)} | ${ratio(shared.p99, own.p99)} | ${ratio(shared.wallMs, own.wallMs)} | ${ratio(shared.statementsPerCommand, own.statementsPerCommand)} | | ${ratio(shared.bystanderP50, own.bystanderP50)} |`,
  );
}

const burstHere = burst;

async function main() {
  console.log(machineDescription(`load generator in the same process; PostgreSQL pool ${poolSize}`));
  if (processes === 1)
    await run("PGlite (in memory)", await migrated(createPGliteDatabase(await openPGlite(undefined))));
  if (process.env.DATABASE_URL) {
    const bench = await createBenchDatabase("bench:contention");
    try {
      const database = createPostgresDatabase(bench.url, { maxConnections: poolSize });
      const [server] = await database.query<{ server_version: string }>("SHOW server_version");
      await run(`PostgreSQL ${server?.server_version}`, await migrated(database), bench.url);
    } finally {
      await bench.drop();
    }
  }
}

async function migrated(database: Database): Promise<Database> {
  await migrate(database);
  return database;
}

if (process.env.CONTENTION_CHILD_URL) await serveBursts(process.env.CONTENTION_CHILD_URL);
else await main();
