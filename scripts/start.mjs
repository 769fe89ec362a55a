// `npm start`: build if needed, then serve the production build on PORT (default 3000).
import { spawn } from "node:child_process";
import { buildIfNeeded } from "./build-if-needed.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
buildIfNeeded();

const port = process.env.PORT ?? "3000";
const server = spawn("npx", ["next", "start", "--port", port], { stdio: "inherit", env: process.env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
