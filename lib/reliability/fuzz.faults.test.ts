// 10,000 malformed requests to every endpoint of the production server — ids, query strings,
// headers and bodies made by fast-check, around the shapes the OpenAPI document describes — and
// none may get a 5xx or go unanswered, and no request that was refused may have appended an event.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUsers, startRig, type Rig } from "../testing/fault-rig";
import { clusterUnavailableReason } from "../testing/pg-cluster";
import { figures } from "./figures";

const unavailable = clusterUnavailableReason();
const requestCount = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | number[];
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

// Strings that break parsers: empty, huge, control characters, lone surrogates, SQL, HTML, numbers
// that are not quite numbers, path tricks.
const nasty = fc.constantFrom(
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "NaN",
  "null",
  "true",
  "[]",
  "{}",
  "\u0000",
  "\ud800",
  "%",
  "%ZZ",
  "..%2F..%2Fetc%2Fpasswd",
  "'; DROP TABLE events;--",
  "<script>alert(1)</script>",
  "9".repeat(400),
  "x".repeat(70_000),
  "2025-02-30T25:61:00Z",
  "2025-01-01",
  "2025-01-01T00:00:00Z",
  "now",
  "csv",
  "json",
  "desc",
  "week",
  'W/"3"',
  '"1"',
  "*",
);
const text = fc.oneof(nasty, fc.string(), fc.string({ unit: "binary", maxLength: 40 }), fc.integer().map(String));

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on those). */
const encode = (value: string) =>
  [...Buffer.from(value, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, "0")}`,
    )
    .join("");

function pathOf(template: string, ids: string[]) {
  const segment = fc.oneof(
    fc.constantFrom(...ids),
    fc.uuid(),
    fc.uuid().map((id) => id.toUpperCase()),
    fc.constantFrom("name_changes", "activity_daily", "nope", "..", "%2e%2e", "%00", "a%2Fb"),
    text.map((value) => encode(value).slice(0, 2_000)),
  );
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return fc.tuple(...names.map(() => segment)).map((values) => values.reduce((path, value) => path.replace(/\{\w+\}/, value), template));
}

const queryKeys = [
  "after",
  "limit",
  "from",
  "to",
  "at",
  "asOf",
  "version",
  "q",
  "status",
  "cursor",
  "sort",
  "order",
  "page",
  "format",
  "bucket",
  "actor",
];
const query = fc.oneof(
  fc.constant(""),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 10 })), text), { maxLength: 5 })
    .map((pairs) => pairs.map(([key, value]) => `${encode(key)}=${encode(value).slice(0, 3_000)}`).join("&")),
  fc.constantFrom("%", "a=%ZZ", "&&&", "=", "limit=1&limit=2", "version=1&at=2025-01-01T00:00:00Z", "format=csv&asOf=2025-01-01"),
);

const bodyFields = ["name", "email", "password", "reason", "category", "expectedVersion", "__proto__", "constructor"];
const body = fc.oneof(
  fc.constant(undefined),
  fc.json().map((json) => json as string),
  fc.dictionary(fc.constantFrom(...bodyFields), fc.oneof(text, fc.jsonValue()), { maxKeys: 5 }).map((value) => JSON.stringify(value)),
  fc.string().map((value) => `{"name": ${value}`),
  // Bytes (often not UTF-8), kept as numbers: each send makes its own array (fetch detaches the one it sends).
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
  fc.constantFrom("[".repeat(5_000), `{"name":"${"x".repeat(70_000)}"}`, "\ufeff{}", '{"name":"\\ud800"}', "null", "1", '""'),
);

function headersFor(token: string) {
  return fc.record(
    {
      authorization: fc.oneof(
        { weight: 8, arbitrary: fc.constant(`Bearer ${token}`) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            text,
            fc.string().map((value) => `Bearer ${value}`),
            fc.constant("Bearer rwd_" + "A".repeat(43)),
          ),
        },
      ),
      "content-type": fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-16",
        "",
        "\u00ff",
      ),
      "if-match": text,
      "if-none-match": text,
      "idempotency-key": text,
      "last-event-id": text,
      cookie: fc.oneof(text, fc.constant("rewind_session=abc; rewind_csrf=def")),
      "x-csrf-token": text,
      origin: fc.constantFrom("http://evil.example", "null", "http://127.0.0.1"),
      "x-forwarded-for": text,
    },
    { requiredKeys: ["authorization"] },
  );
}

/** Header values fetch can send: printable Latin-1 without line breaks. */
const sendable = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\x20-\x7e\x80-\xff]*$/.test(value) && value.length < 8_000));

describe.skipIf(unavailable)(`fuzzing every endpoint${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 180_000);
  afterAll(async () => {
    await rig?.close();
  });

  it(`answers ${requestCount} malformed requests without a 5xx, and refused requests append nothing`, async () => {
    const userIds = await registerUsers(rig.server, 3);
    const document = (await (await fetch(`${rig.server.base}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([template, item]) =>
      Object.keys(item).map((method) => ({ template, method: method.toUpperCase() })),
    );
    const token = rig.server.auth.authorization!.slice("Bearer ".length);
    const [{ position: startPosition }] = (await rig.database.query<{ position: number }>(
      "SELECT coalesce(max(position), 0)::bigint AS position FROM events",
    )) as [{ position: number }];

    const request = fc.oneof(
      {
        weight: 9,
        arbitrary: fc.constantFrom(...operations).chain(({ template, method }) =>
          fc.record({
            method: fc.oneof({ weight: 4, arbitrary: fc.constant(method) }, fc.constantFrom(...methods)),
            path: fc.tuple(pathOf(template, userIds), query).map(([path, q]) => (q ? `${path}?${q}` : path)),
            headers: headersFor(token),
            body,
          }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          method: fc.constantFrom(...methods),
          path: fc.string().map((value) => `/api/${encode(value)}`),
          headers: headersFor(token),
          body,
        }),
      },
    );
    const requests = fc.sample(request, { numRuns: requestCount, seed }) as FuzzRequest[];

    const outcomes: { request: FuzzRequest; correlationId: string; status: number; error?: string; problemType?: boolean }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < requests.length) {
          const fuzzed = requests[next++]!;
          const correlationId = randomUUID();
          const stop = new AbortController();
          const timer = setTimeout(() => stop.abort(), 15_000);
          try {
            const response = await fetch(rig.server.base + fuzzed.path, {
              method: fuzzed.method,
              headers: { ...sendable(fuzzed.headers), "x-correlation-id": correlationId },
              // A copy: fetch takes (detaches) the bytes it sends, and fast-check may hand out one array twice.
              body:
                fuzzed.method === "GET" || fuzzed.method === "HEAD"
                  ? undefined
                  : typeof fuzzed.body === "string"
                    ? fuzzed.body
                    : fuzzed.body && new Uint8Array(fuzzed.body),
              signal: stop.signal,
              // Next.js answers 308 to a path with a trailing or double slash: that is the answer to check.
              redirect: "manual",
            });
            // The event stream never ends by itself: its status is the answer.
            if (response.headers.get("content-type")?.startsWith("text/event-stream")) stop.abort();
            else await response.arrayBuffer();
            const type = response.headers.get("content-type") ?? "";
            outcomes.push({
              request: fuzzed,
              correlationId,
              status: response.status,
              problemType: response.status >= 400 ? type.startsWith("application/problem+json") : undefined,
            });
          } catch (error) {
            outcomes.push({ request: fuzzed, correlationId, status: 0, error: String((error as { cause?: unknown }).cause ?? error) });
          } finally {
            clearTimeout(timer);
          }
        }
      }),
    );

    const describe = (outcome: (typeof outcomes)[number]) =>
      [
        `${outcome.status} ${outcome.error ?? ""} ${outcome.request.method} ${outcome.request.path.slice(0, 200)}`,
        `headers ${JSON.stringify(outcome.request.headers).slice(0, 300)} body ${String(outcome.request.body ?? "").slice(0, 100)}`,
        ...rig.serverLog.filter((line) => line.includes(outcome.correlationId)).map((line) => line.slice(0, 1_500)),
      ].join("\n");
    expect(outcomes).toHaveLength(requestCount);
    expect(outcomes.filter((outcome) => outcome.status >= 500 || outcome.status === 0).map(describe), `seed ${seed}`).toEqual([]);
    // API errors are problem documents (Next.js answers a few itself: HEAD and OPTIONS on routes).
    const notProblems = outcomes.filter(
      (outcome) =>
        outcome.problemType === false && outcome.request.path.startsWith("/api/") && !["HEAD", "OPTIONS"].includes(outcome.request.method),
    );
    expect(notProblems.map(describe), `seed ${seed}`).toEqual([]);

    // Every event appended meanwhile belongs to a request that was answered 2xx.
    const succeeded = new Set(
      outcomes.filter((outcome) => outcome.status >= 200 && outcome.status < 300).map((outcome) => outcome.correlationId),
    );
    const appended = await rig.database.query<{ correlation_id: string; type: string }>(
      "SELECT metadata->>'correlationId' AS correlation_id, type FROM events WHERE position > $1",
      [startPosition],
    );
    expect(
      appended.filter((event) => !succeeded.has(event.correlation_id)),
      `seed ${seed}`,
    ).toEqual([]);

    const byStatus = new Map<number, number>();
    for (const outcome of outcomes) byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
    console.log(
      `fuzz seed ${seed}: ${[...byStatus]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}×${count}`)
        .join(" ")}`,
    );
    figures.record("fuzz", {
      seed,
      requests: outcomes.length,
      answered2xx: succeeded.size,
      answered4xx: outcomes.filter((outcome) => outcome.status >= 400 && outcome.status < 500).length,
      answered5xx: 0,
      eventsAppendedBy2xx: appended.length,
    });
  });
});
