// The production build (`next start`) on a free loopback port, for benchmarks and fault tests: an
// admin signed in over HTTP and an API token made with that session; stop, crash (SIGKILL) and start
// again on the same port.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { buildIfNeeded } from "../../scripts/build-if-needed.mjs";
import { freePort } from "./pg-cluster";

async function waitFor(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // Not listening yet: try again.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export interface ProductionServer {
  base: string;
  /** Headers that authenticate as a service (a bearer API token). */
  auth: Record<string, string>;
  /** The signed-in admin's session cookie, for a browser. */
  sessionCookie: { name: string; value: string };
  /** The server process's id, while it runs. */
  pid(): number | undefined;
  /** SIGTERM, and wait for it to exit. */
  stop(): Promise<void>;
  /** SIGKILL to the server and anything it started: no clean-up, no flushing. */
  crash(): Promise<void>;
  /** Starts it again (same port, same environment) and waits until it answers. */
  start(): Promise<void>;
}

export const serverAdmin = { email: "server-admin@rewind.test", password: "server admin password" };

/** Signs the admin in over HTTP, and creates an API token with every scope with that session. */
async function credentials(base: string): Promise<Pick<ProductionServer, "auth" | "sessionCookie">> {
  const signedIn = await fetch(`${base}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(serverAdmin),
  });
  if (!signedIn.ok) throw new Error(`sign-in: ${signedIn.status} ${await signedIn.text()}`);
  const cookies = Object.fromEntries(
    signedIn.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!.split("=") as [string, string]),
  );
  const created = await fetch(`${base}/api/tokens`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: `rewind_session=${cookies.rewind_session}`,
      "x-csrf-token": cookies.rewind_csrf!,
    },
    // Benchmarks and fault tests call every kind of route.
    body: JSON.stringify({ name: "test server client", scopes: ["read", "write", "erase", "admin"] }),
  });
  if (!created.ok) throw new Error(`token: ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  return {
    auth: { authorization: `Bearer ${token}` },
    sessionCookie: { name: "rewind_session", value: cookies.rewind_session! },
  };
}

export async function startProductionServer(
  env: Record<string, string>,
  options: { log?: (line: string) => void } = {},
): Promise<ProductionServer> {
  buildIfNeeded();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // next's own entry point, not npx: signals reach the server itself. Its own process group, so that
  // a crash takes anything it started with it.
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  let server: ChildProcess | undefined;
  const launch = async () => {
    server = spawn(process.execPath, [nextBin, "start", "--port", String(port)], {
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: "1",
        ADMIN_EMAIL: serverAdmin.email,
        ADMIN_PASSWORD: serverAdmin.password,
        ...env,
      },
      stdio: ["ignore", options.log ? "pipe" : "ignore", options.log ? "pipe" : "inherit"],
      detached: true,
    });
    if (options.log) {
      for (const stream of [server.stdout!, server.stderr!]) {
        let pending = "";
        stream.on("data", (chunk: Buffer) => {
          pending += chunk.toString("utf8");
          const lines = pending.split("\n");
          pending = lines.pop()!;
          for (const line of lines) options.log!(line);
        });
      }
    }
    await waitFor(`${base}/api/health`);
  };
  const exited = () =>
    server && server.exitCode === null && server.signalCode === null
      ? new Promise((done) => server!.once("exit", done))
      : Promise.resolve();
  await launch();
  return {
    base,
    ...(await credentials(base)),
    pid: () => server?.pid,
    async stop() {
      const done = exited();
      server?.kill("SIGTERM");
      await done;
    },
    async crash() {
      const done = exited();
      if (server?.pid) process.kill(-server.pid, "SIGKILL");
      await done;
    },
    start: launch,
  };
}
