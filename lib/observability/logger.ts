// The server's log: one JSON object a line (pino), for log shippers. What goes in is chosen field by
// field — routes, statuses, ids, durations — never request bodies, names, emails, passwords or
// tokens; the redaction below is a second line of defence for an object logged by mistake.
import pino, { type DestinationStream, type Logger } from "pino";

const globalKey = Symbol.for("rewind.logger");
type WithLogger = typeof globalThis & { [globalKey]?: Logger };

const redactedPaths = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "email",
  "*.email",
  "name",
  "*.name",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
];

export function createLogger(destination?: DestinationStream, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      level,
      base: { service: "rewind" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactedPaths, censor: "[redacted]" },
    },
    destination ?? pino.destination({ sync: true }),
  );
}

/** The process's logger (one, however many times Next.js loads this module). */
export function logger(): Logger {
  const holder = globalThis as WithLogger;
  holder[globalKey] ??= createLogger();
  return holder[globalKey];
}

/** Tests: send the process's log somewhere to read it. */
export function useLogger(replacement: Logger): void {
  (globalThis as WithLogger)[globalKey] = replacement;
}
