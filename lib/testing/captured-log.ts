// The server log from now on, captured in memory: for tests that check what a request logged.
import { Writable } from "node:stream";
import { createLogger, useLogger } from "../observability/logger";

export function captureLog(): { lines: () => Record<string, unknown>[]; raw: () => string } {
  let raw = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw += String(chunk);
      done();
    },
  });
  useLogger(createLogger(sink, "info"));
  return {
    raw: () => raw,
    lines: () =>
      raw
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
