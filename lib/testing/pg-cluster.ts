// A disposable PostgreSQL cluster of the machine's own PostgreSQL (initdb, pg_ctl, pg_basebackup),
// on a free port in a temporary directory: for the tests that stop and restart a server, or make a
// streaming replica of one. Run as root, the tools run as the `postgres` OS user (initdb refuses root).
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { createPostgresDatabase } from "../db/database";
import { migrate } from "../db/migrate";

/** The newest of the machine's PostgreSQL installations that has `tool`, or POSTGRES_BIN_DIR if set. */
function binDirectoryWith(tool: string): string | undefined {
  const fromEnvironment = process.env.POSTGRES_BIN_DIR;
  if (fromEnvironment) return existsSync(path.join(fromEnvironment, tool)) ? fromEnvironment : undefined;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(path.join(root, name, "bin", tool)))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

const postgresBinDirectory = () => binDirectoryWith("initdb");

/**
 * Where a PostgreSQL client tool (pg_dump…) is: found as the server binaries are, then on PATH.
 * Throws with what to install when it is nowhere: a test that needs it must not pass without it.
 */
export function postgresTool(tool: string): string {
  const directory = binDirectoryWith(tool);
  if (directory) return path.join(directory, tool);
  const onPath = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((folder) => path.join(folder, tool))
    .find((candidate) => existsSync(candidate));
  if (onPath) return onPath;
  throw new Error(
    `${tool} is not on this machine: install PostgreSQL's client tools (postgresql-client) or set POSTGRES_BIN_DIR`,
  );
}

/**
 * Why disposable clusters cannot be made here, or undefined when they can. Under CI (CI set) there
 * is no such excuse: it throws instead, so that a run without the binaries fails rather than
 * going green with the tests that need them skipped.
 */
export function clusterUnavailableReason(): string | undefined {
  const reason = unavailableReason();
  if (reason && runningInCI())
    throw new Error(`CI must run the tests on PostgreSQL clusters of their own, but ${reason}`);
  return reason;
}

/** CI=true (or any value but "false" and "0"), as CI services set it. */
export const runningInCI = () => !!process.env.CI && process.env.CI !== "false" && process.env.CI !== "0";

function unavailableReason(): string | undefined {
  if (!postgresBinDirectory())
    return "no PostgreSQL server binaries (initdb, pg_ctl) on this machine; set POSTGRES_BIN_DIR";
  if (process.getuid?.() === 0 && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return "running as root without a postgres OS user";
  return undefined;
}

const asRoot = () => process.getuid?.() === 0;

function run(tool: string, args: string[]): string {
  const binary = path.join(postgresBinDirectory()!, tool);
  const [command, commandArgs] = asRoot() ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
  return execFileSync(command, commandArgs, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], cwd: tmpdir() });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function ownedByPostgres(directory: string): void {
  if (!asRoot()) return;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(directory, uid, gid);
}

export interface Cluster {
  port: number;
  dataDir: string;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  start(): void;
  /** pg_ctl stop -m fast: connections are closed, the server shuts down cleanly. */
  stop(): void;
  /** Kills the postmaster (SIGKILL): a crash, recovered from WAL on the next start. */
  crash(): void;
  /** Stops the server and removes its files. */
  destroy(): void;
}

function clusterAt(dataDir: string, port: number, root: string): Cluster {
  const logFile = path.join(root, `postgres-${port}.log`);
  const cluster: Cluster = {
    port,
    dataDir,
    url: (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    start() {
      run("pg_ctl", [
        "start",
        "-w",
        "-t",
        "60",
        "-D",
        dataDir,
        "-l",
        logFile,
        "-o",
        `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`,
      ]);
    },
    stop() {
      run("pg_ctl", ["stop", "-w", "-t", "60", "-m", "fast", "-D", dataDir]);
    },
    crash() {
      const pid = readPostmasterPid(dataDir);
      if (pid) process.kill(pid, "SIGKILL");
      // The children notice their postmaster is gone and exit; wait until the port is free again.
      const isReady = path.join(postgresBinDirectory()!, "pg_isready");
      for (
        let tries = 0;
        tries < 200 && spawnSync(isReady, ["-h", "127.0.0.1", "-p", String(port)]).status === 0;
        tries++
      ) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    },
    destroy() {
      try {
        cluster.stop();
      } catch {
        // already stopped
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

function readPostmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  return Number(execFileSync("head", ["-1", file], { encoding: "utf8" }).trim()) || undefined;
}

function workDirectory(): string {
  const root = mkdtempSync(path.join(tmpdir(), "rewind-pg-"));
  chmodSync(root, 0o755);
  ownedByPostgres(root);
  return root;
}

/** A new cluster (trust authentication, WAL kept for a replica), started. */
export async function createCluster(): Promise<Cluster> {
  const root = workDirectory();
  const dataDir = path.join(root, "data");
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  const cluster = clusterAt(dataDir, await freePort(), root);
  cluster.start();
  return cluster;
}

/** A streaming hot-standby replica of `primary` (pg_basebackup -R), started. */
export async function createReplica(primary: Cluster): Promise<Cluster> {
  const root = workDirectory();
  const dataDir = path.join(root, "data");
  run("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    dataDir,
    "-R",
    "-X",
    "stream",
    "-c",
    "fast",
    "--no-sync",
  ]);
  if (statSync(dataDir).mode & 0o077) chmodSync(dataDir, 0o700);
  const replica = clusterAt(dataDir, await freePort(), root);
  replica.start();
  return replica;
}

/**
 * A primary whose database `rewind` holds Rewind's schema, and a streaming replica of it (taken
 * after the migration, so it starts with the schema): both started.
 */
export async function createMigratedPrimaryAndReplica(): Promise<{ primary: Cluster; replica: Cluster }> {
  const primary = await createCluster();
  const admin = new pg.Client({ connectionString: primary.url() });
  await admin.connect();
  await admin.query("CREATE DATABASE rewind");
  await admin.end();
  const database = createPostgresDatabase(primary.url("rewind"));
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  return { primary, replica: await createReplica(primary) };
}
