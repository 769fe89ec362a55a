// Runs after every other browser test: the server's log of the whole run is JSON, one line per
// request with its route, status, duration and correlation id — and holds none of the emails,
// passwords or tokens the run used.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { adminEmail, adminPassword, apiTokenPath, serverLogPath } from "./credentials";

test("the server log has a JSON line per request and no personal data or secrets", () => {
  const log = readFileSync(serverLogPath, "utf8");
  const entries = log
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const requests = entries.filter((entry) => entry.msg === "request");
  expect(requests.length).toBeGreaterThan(100);
  for (const request of requests) {
    expect(request).toMatchObject({
      level: expect.any(String),
      route: expect.stringMatching(/^(\/api\/|\(unknown\)$)/),
      status: expect.any(Number),
    });
    expect(typeof request.durationMs).toBe("number");
    expect(typeof request.correlationId).toBe("string");
  }
  // Every user the tests registered has an @example.com address; the admin signs in with its own.
  const secrets = [
    adminEmail,
    adminPassword,
    readFileSync(apiTokenPath, "utf8").trim(),
    "long enough secret",
    "a long enough password",
  ];
  for (const secret of secrets) expect(log, `the log contains ${secret}`).not.toContain(secret);
  expect(log.match(/[\w.+'-]+@[\w-]+(\.[\w-]+)+/g) ?? [], "email addresses in the log").toEqual([]);
  expect(log).not.toMatch(/scrypt\$|rwd_[A-Za-z0-9_-]{20,}/);
});
