// Starts the production build for a benchmark on a free loopback port, and stops it.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { buildIfNeeded } from "../build-if-needed.mjs";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

async function waitFor(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export interface RunningServer {
  base: string;
  /** Headers that authenticate as a service (a bearer API token created for the benchmark). */
  auth: Record<string, string>;
  /** The signed-in admin's session cookie, for a browser. */
  sessionCookie: { name: string; value: string };
  stop(): Promise<void>;
}

const benchAdmin = { email: "bench-admin@rewind.test", password: "bench admin password" };

/** Signs the benchmark's admin in over HTTP, and creates an API token with that session. */
async function credentials(base: string): Promise<Pick<RunningServer, "auth" | "sessionCookie">> {
  const signedIn = await fetch(`${base}/api/auth/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(benchAdmin),
  });
  if (!signedIn.ok) throw new Error(`sign-in: ${signedIn.status} ${await signedIn.text()}`);
  const cookies = Object.fromEntries(signedIn.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!.split("=") as [string, string]));
  const created = await fetch(`${base}/api/tokens`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: `rewind_session=${cookies.rewind_session}`,
      "x-csrf-token": cookies.rewind_csrf!,
    },
    body: JSON.stringify({ name: "benchmark" }),
  });
  if (!created.ok) throw new Error(`token: ${created.status} ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  return { auth: { authorization: `Bearer ${token}` }, sessionCookie: { name: "rewind_session", value: cookies.rewind_session! } };
}

export async function startProductionServer(env: Record<string, string>): Promise<RunningServer> {
  buildIfNeeded();
  const port = await freePort();
  // next's own entry point, not npx: a signal then reaches the server itself.
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const server = spawn(process.execPath, [nextBin, "start", "--port", String(port)], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ADMIN_EMAIL: benchAdmin.email, ADMIN_PASSWORD: benchAdmin.password, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/api/health`);
  return {
    base,
    ...(await credentials(base)),
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((done) => server.once("exit", done));
      server.kill("SIGTERM");
      await exited;
    },
  };
}
