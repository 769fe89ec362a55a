// Fuzzing the production server from its own OpenAPI document: every operation, every path, query
// and header parameter and every request body the document names gets generated values — shaped
// like the schema, but carrying control characters, lone surrogates, forged cursors, instants and
// versions at the edges — and so do the dashboard's pages and their query strings. Every answer is
// checked against the document (status declared, body valid against its schema); none may be a
// 5xx; a page answers 200, a redirect or 404; text that was accepted reads back as it was sent; and
// a refused request changes no table at all. Failures are grouped, and each group's example is
// shrunk by fast-check to a smallest request that still fails the same way.
import { randomInt, randomUUID } from "node:crypto";
import SwaggerParser from "@apidevtools/swagger-parser";
import fc from "fast-check";
import type { OpenAPIV3_1 } from "openapi-types";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUsers, send, startRig, type Rig } from "../testing/fault-rig";
import { hostileText, percentEncode, queryValueFor, valueFor, type JsonSchema } from "../testing/fuzz-arbitraries";
import { conformanceTo, type OpenApiDocument } from "../testing/openapi-conformance";
import { clusterUnavailableReason } from "../testing/pg-cluster";
import { pageRoutes } from "../testing/routes";
import { changedTables, idempotentRequestsSince, tableFingerprints } from "../testing/table-fingerprints";
import { figures } from "./figures";

const unavailable = clusterUnavailableReason();
const concurrentCount = Number(process.env.FUZZ_REQUESTS ?? 6_000);
const sequentialCount = Number(process.env.FUZZ_SEQUENTIAL_REQUESTS ?? 1_500);
const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
// A time budget per phase, so that a loaded machine makes the run smaller, not longer: the same
// seed sends the same requests in the same order, as many as fit.
const phaseSeconds = {
  concurrent: 90,
  sequential: 75,
  shrinking: 45,
  ...JSON.parse(process.env.FUZZ_SECONDS ?? "{}"),
} as Record<string, number>;
const shrinkGroups = Number(process.env.FUZZ_SHRINK_GROUPS ?? 25);
const shrinkBudget = Number(process.env.FUZZ_SHRINK_STEPS ?? 150);

interface FuzzRequest {
  kind: "api" | "page";
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | number[];
}

interface Finding {
  /** What failed, where: findings with the same signature are one bug, shrunk once. */
  signature: string;
  detail: string;
  /** The method and route (or page) it failed on. */
  where?: string;
}

interface Probe {
  request: FuzzRequest;
  correlationId: string;
  status: number;
  findings: Finding[];
}

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Query parameters the pages read that no API operation has. */
const pageOnlyQueryParameters = ["next", "sort", "order", "page", "bucket", "from", "to", "asOf"];

const hostileBody = fc.oneof(
  fc.json(),
  fc.string().map((value) => `{"name": ${value}`),
  // Bytes (often not UTF-8), kept as numbers: each send makes its own array (fetch detaches the one it sends).
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
  fc.constantFrom(
    "[".repeat(5_000),
    `{"name":"${"x".repeat(70_000)}"}`,
    "\ufeff{}",
    '{"name":"\\ud800"}',
    "null",
    "1",
    '""',
  ),
);

/** Header values fetch can send: printable Latin-1 without line breaks. */
const sendable = (headers: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(headers).filter(([, value]) => /^[\x20-\x7e\x80-\xff]*$/.test(value) && value.length < 8_000),
  );

const queryString = (pairs: [string, string][]) =>
  pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value).slice(0, 3_000)}`).join("&");

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** Everything the fuzzer needs to know that the document does not say: ids that exist, credentials. */
interface Known {
  token: string;
  sessionCookie: string;
  /** Path segments that name something: users, tokens, projections. */
  segments: string[];
  userIds: Set<string>;
}

function segmentArbitrary(known: Known, example: unknown): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known.segments, ...(typeof example === "string" ? [example] : [])) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid().map((id) => id.toUpperCase()) },
    { weight: 1, arbitrary: fc.constantFrom("nope", "..", "%2e%2e", "%00", "a%2Fb", "-".repeat(36)) },
    { weight: 2, arbitrary: hostileText.map((value) => percentEncode(value).slice(0, 2_000)) },
  );
}

function fillPath(template: string, segments: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc
    .tuple(...segments)
    .map((values) => values.reduce<string>((path, value) => path.replace(/\{\w+\}/, value), template));
}

function authorization(known: Known): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    { weight: 12, arbitrary: fc.constant({ authorization: `Bearer ${known.token}` }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: hostileText.map((value) => ({ authorization: `Bearer ${value}` })) },
    { weight: 1, arbitrary: fc.constant({ authorization: "Bearer rwd_" + "A".repeat(43) }) },
    { weight: 1, arbitrary: hostileText.map((value) => ({ cookie: `rewind_session=${value}` })) },
  );
}

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/problem+json",
      "text/plain",
      "application/x-www-form-urlencoded",
      "application/json; charset=utf-16",
      "",
      "\u00ff",
    ),
  },
);

type Parameter = OpenAPIV3_1.ParameterObject & { schema?: JsonSchema };

/** Requests for one operation of the document: its path, query and header parameters and its body, from their schemas. */
function operationRequest(
  template: string,
  method: string,
  operation: OpenAPIV3_1.OperationObject,
  known: Known,
): fc.Arbitrary<FuzzRequest> {
  const parameters = (operation.parameters ?? []) as Parameter[];
  const pathParameters = [...template.matchAll(/\{(\w+)\}/g)].map(
    (match) => parameters.find((parameter) => parameter.in === "path" && parameter.name === match[1])?.schema ?? {},
  );
  const queryParameters = parameters.filter((parameter) => parameter.in === "query");
  // Our own correlation id ties each answer and event to its request.
  const headerParameters = parameters.filter(
    (parameter) => parameter.in === "header" && parameter.name !== "x-correlation-id",
  );
  const oneParameter = queryParameters.length
    ? [
        {
          // One parameter alone: nothing else invalid hides what it does.
          weight: 6,
          arbitrary: fc
            .constantFrom(...queryParameters)
            .chain((parameter) =>
              queryValueFor(parameter.schema, parameter.name).map((value) => queryString([[parameter.name, value]])),
            ),
        },
      ]
    : [];
  const query = fc.oneof(
    ...oneParameter,
    {
      weight: 6,
      arbitrary: fc
        .record(
          Object.fromEntries(
            queryParameters.map((parameter) => [parameter.name, queryValueFor(parameter.schema, parameter.name)]),
          ),
          {
            requiredKeys: [],
          },
        )
        .map((values) => queryString(Object.entries(values) as [string, string][])),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom("limit", "after", ...queryParameters.map((p) => p.name)),
              fc.string({ maxLength: 10 }),
            ),
            hostileText,
          ),
          {
            maxLength: 4,
          },
        )
        .map(queryString),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "%", "a=%ZZ", "&&&", "=", "limit=1&limit=2", "version=1&at=2025-01-01T00:00:00Z"),
    },
  );
  const headers = fc
    .tuple(
      authorization(known),
      contentType,
      fc.record(
        Object.fromEntries(
          headerParameters.map((parameter) => [
            parameter.name,
            valueFor(parameter.schema, parameter.name).map((value) =>
              typeof value === "string" ? value : (JSON.stringify(value) ?? ""),
            ),
          ]),
        ),
        { requiredKeys: [] },
      ),
    )
    .map(([auth, type, documented]) => ({ ...auth, "content-type": type, ...(documented as Record<string, string>) }));
  const bodySchema = (operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content?.["application/json"]
    ?.schema as JsonSchema | undefined;
  const body: fc.Arbitrary<string | number[] | undefined> = bodySchema
    ? fc.oneof(
        { weight: 8, arbitrary: valueFor(bodySchema).map((value) => JSON.stringify(value) ?? "") },
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: hostileBody },
      )
    : fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostileBody });
  return fc.record({
    kind: fc.constant("api" as const),
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constant(method) },
      { weight: 1, arbitrary: fc.constantFrom(...methods) },
    ),
    path: fc
      .tuple(
        fillPath(
          template,
          pathParameters.map((schema) => segmentArbitrary(known, schema.example)),
        ),
        query,
      )
      .map(([path, q]) => withQuery(path, q)),
    headers,
    body,
  });
}

/** Requests for a dashboard page: its id, and a query string of every parameter the API or the pages take. */
function pageRequest(
  template: string,
  known: Known,
  querySchemas: Map<string, JsonSchema | undefined>,
): fc.Arbitrary<FuzzRequest> {
  const names = [...new Set([...querySchemas.keys(), ...pageOnlyQueryParameters])];
  const segments = [...template.matchAll(/\{(\w+)\}/g)].map(() => segmentArbitrary(known, undefined));
  const query = fc
    .record(Object.fromEntries(names.map((name) => [name, queryValueFor(querySchemas.get(name), name)])), {
      requiredKeys: [],
    })
    .map((values) => queryString(Object.entries(values) as [string, string][]));
  return fc.record({
    kind: fc.constant("page" as const),
    method: fc.oneof({ weight: 9, arbitrary: fc.constant("GET") }, { weight: 1, arbitrary: fc.constant("HEAD") }),
    path: fc.tuple(fillPath(template, segments), query).map(([path, q]) => withQuery(path, q)),
    headers: fc.oneof(
      { weight: 8, arbitrary: fc.constant({ cookie: known.sessionCookie }) },
      { weight: 1, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: hostileText.map((value) => ({ cookie: `rewind_session=${percentEncode(value)}` })) },
    ),
    body: fc.constant(undefined),
  });
}

function requestArbitrary(document: OpenApiDocument, known: Known): fc.Arbitrary<FuzzRequest> {
  const operations = Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
    Object.entries(item ?? {})
      .filter(([method]) => methods.includes(method.toUpperCase()))
      .map(([method, operation]) => {
        const described = operation as OpenAPIV3_1.OperationObject;
        // An operation gets requests in proportion to what it takes: each parameter, and a body.
        const inputs = (described.parameters?.length ?? 0) + (described.requestBody ? 2 : 0);
        return { weight: 1 + inputs, arbitrary: operationRequest(template, method.toUpperCase(), described, known) };
      }),
  );
  const querySchemas = new Map<string, JsonSchema | undefined>();
  for (const item of Object.values(document.paths ?? {}))
    for (const operation of Object.values(item ?? {}) as OpenAPIV3_1.OperationObject[])
      for (const parameter of (operation.parameters ?? []) as Parameter[])
        if (parameter.in === "query") querySchemas.set(parameter.name, parameter.schema);
  const pages = pageRoutes().map(({ template }) => pageRequest(template, known, querySchemas));
  return fc.oneof(
    { weight: 16, arbitrary: fc.oneof(...operations) },
    { weight: 3, arbitrary: fc.oneof(...pages) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("api" as const),
        method: fc.constantFrom(...methods),
        path: fc.string().map((value) => `/api/${percentEncode(value)}`),
        headers: authorization(known),
        body: fc.oneof(fc.constant(undefined), hostileBody),
      }),
    },
  );
}

describe.skipIf(unavailable)(
  `fuzzing every endpoint and page${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig();
    }, 180_000);
    afterAll(async () => {
      await rig?.close();
    });

    it(`answers up to ${concurrentCount} + ${sequentialCount} generated requests as the OpenAPI document says, and refused ones change no table`, async () => {
      console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
      const userIds = await registerUsers(rig.server, 8);
      const served = (await (await fetch(`${rig.server.base}/api/openapi.json`)).json()) as OpenApiDocument;
      const document = (await SwaggerParser.dereference(served)) as OpenApiDocument;
      const conformance = conformanceTo(document);
      // Path segments that name something, so that requests get past "not found".
      const tokens = JSON.parse((await send(rig.server, "GET", "/api/tokens")).text) as { items: { id: string }[] };
      const projections = JSON.parse((await send(rig.server, "GET", "/api/projections")).text) as {
        items: { name: string }[];
      };
      const known: Known = {
        token: rig.server.auth.authorization!.slice("Bearer ".length),
        sessionCookie: `${rig.server.sessionCookie.name}=${rig.server.sessionCookie.value}`,
        segments: [
          ...userIds,
          ...tokens.items.map((token) => token.id),
          ...projections.items.map((projection) => projection.name),
        ],
        userIds: new Set(userIds),
      };
      const arbitrary = requestArbitrary(document, known);
      const random = new fc.Random(xoroshiro128plus(seed));
      // Half with fast-check's bias towards small and edge values, as its own runner does.
      const generate = (count: number) =>
        Array.from({ length: count }, (_, i) => arbitrary.generate(random, i % 2 ? 2 : undefined));

      async function quiesce() {
        // Projections catch up on what 2xx requests appended: wait, so that their writes are not
        // blamed on the next request. A failing projection stops where it fails.
        for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
          const [{ busy }] = (await rig.database.query<{ busy: number }>(
            `SELECT count(*)::int AS busy FROM projection_checkpoints, (SELECT coalesce(max(position), 0) AS head FROM events) AS log
            WHERE rebuild_started_at IS NOT NULL OR (position < head AND last_error IS NULL)`,
          )) as [{ busy: number }];
          if (busy === 0) return;
          await new Promise((done) => setTimeout(done, 50));
        }
      }

      async function probe(request: FuzzRequest, { checkTables }: { checkTables: boolean }): Promise<Probe> {
        if (checkTables) await quiesce();
        const before = checkTables ? await tableFingerprints(rig.database) : undefined;
        const correlationId = randomUUID();
        const findings: Finding[] = [];
        const url = new URL(rig.server.base + request.path);
        const pageTemplate =
          request.kind === "page"
            ? pageRoutes().find(({ template }) =>
                new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`).test(url.pathname),
              )?.template
            : undefined;
        const template = request.kind === "api" ? conformance.templateOf(url.pathname) : pageTemplate;
        const where = `${request.method} ${template ?? url.pathname.slice(0, 40)}`;
        let status = 0;
        const stop = new AbortController();
        const timer = setTimeout(() => stop.abort(), 15_000);
        try {
          const response = await fetch(url, {
            method: request.method,
            headers: { ...sendable(request.headers), "x-correlation-id": correlationId },
            // A copy: fetch takes (detaches) the bytes it sends, and fast-check may hand out one array twice.
            body:
              request.method === "GET" || request.method === "HEAD"
                ? undefined
                : typeof request.body === "string"
                  ? request.body
                  : request.body && new Uint8Array(request.body),
            signal: stop.signal,
            // Next.js answers 308 to a path with a trailing or double slash: that is the answer to check.
            redirect: "manual",
          });
          status = response.status;
          const type = response.headers.get("content-type");
          // The event stream never ends by itself: its status is the answer.
          let text = "";
          if (type?.startsWith("text/event-stream")) stop.abort();
          else text = await response.text();
          let body: unknown = undefined;
          // A HEAD answer has the headers of a GET and no body.
          if (type?.split(";")[0]?.endsWith("json") && request.method !== "HEAD") {
            try {
              body = JSON.parse(text);
            } catch {
              findings.push({ signature: `unparseable JSON ${where} ${status}`, detail: text.slice(0, 200) });
            }
          }
          // What the server saw decides: an API path with dot segments ("/api/..") resolves to a page.
          const isPage = request.kind === "page" || !url.pathname.startsWith("/api/");
          if (isPage) checkPage(request, url, status, findings, where);
          else if (status >= 500) {
            const cause = await causeOf(correlationId, type);
            // A failure before the app's handler is the framework's, whatever the route: one group.
            const signature = cause.startsWith("(not a problem")
              ? `5xx ${status} ${cause}`
              : `5xx ${where} ${status} ${cause}`;
            findings.push({ signature, detail: `${where}: ${text.slice(0, 300)}`, where });
          } else if (request.kind === "api") {
            const documented = template ? conformance.operation(request.method, template) : undefined;
            if (documented) {
              for (const violation of conformance.violations({
                method: request.method,
                template: template!,
                status,
                contentType: type,
                body,
              }))
                findings.push({ signature: `not as documented ${where} ${status}`, detail: violation });
            } else if (
              !["HEAD", "OPTIONS"].includes(request.method) &&
              status !== 308 &&
              !type?.startsWith("application/problem+json")
            ) {
              // Paths and methods the document does not have: a 404 or 405 problem document.
              findings.push({
                signature: `not a problem document ${where} ${status}`,
                detail: `${type} ${text.slice(0, 200)}`,
              });
            }
            const bodySchema = (documented?.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content?.[
              "application/json"
            ]?.schema as JsonSchema | undefined;
            if (status >= 200 && status < 300 && bodySchema?.properties)
              await checkEcho(request, bodySchema.properties, body, findings, where);
          }
        } catch (error) {
          findings.push({
            signature: `unanswered ${where}`,
            detail: String((error as { cause?: unknown }).cause ?? error),
          });
        } finally {
          clearTimeout(timer);
        }
        if (before && status >= 400 && status < 500) {
          const after = await tableFingerprints(rig.database, { before: before.takenAt });
          // A wrong password (401) or one too many (429) is counted: that is what sign-in limits are.
          const countsAttempts =
            request.method === "POST" && url.pathname === "/api/auth/sign-in" && [401, 429].includes(status);
          const changed = changedTables(before, after).filter(
            (table) => !(countsAttempts && table.startsWith("sign_in_attempts ")),
          );
          if (changed.length)
            findings.push({ signature: `refused but changed tables ${where} ${status}`, detail: changed.join(", ") });
          const recorded = (await idempotentRequestsSince(rig.database, before.takenAt)).filter(
            (row) => row.status !== status,
          );
          if (recorded.length) {
            findings.push({
              signature: `refused but recorded another answer ${where} ${status}`,
              detail: JSON.stringify(recorded).slice(0, 300),
            });
          }
        }
        return { request, correlationId, status, findings };
      }

      /**
       * Why the server failed, as its log says, with the particulars (numbers, quoted values) left out:
       * one bug per cause, even where several share a route and a status.
       */
      async function causeOf(correlationId: string, type: string | null): Promise<string> {
        if (!type?.startsWith("application/problem+json"))
          return "(not a problem document: failed before the app's error handler)";
        await new Promise((done) => setTimeout(done, 20)); // the log line may trail the answer
        const line = rig.serverLog.find((entry) => entry.includes(correlationId) && entry.includes('"err"'));
        const message = line ? /"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] : undefined;
        return message
          ? `(${message.replace(/\\"[^"]*\\"|\d+|0x[0-9a-f]+/gi, "…").slice(0, 100)})`
          : "(no error logged)";
      }

      function checkPage(request: FuzzRequest, url: URL, status: number, findings: Finding[], where: string) {
        if (!(status === 200 || (status >= 300 && status < 400) || status === 404)) {
          findings.push({
            signature: `page answered ${status} ${where}`,
            detail: url.pathname + url.search.slice(0, 200),
            where,
          });
          return;
        }
        // A page about a user that does not exist is not found — not an empty page answered 200.
        const userId = /^\/users\/([^/]+)$/.exec(url.pathname)?.[1];
        if (userId !== undefined && status === 200 && !known.userIds.has(userId)) {
          findings.push({ signature: `page for no user answered 200 ${where}`, detail: url.pathname });
        }
      }

      /**
       * Text a command accepted is kept as sent: names trimmed, emails trimmed and lower-cased, either
       * perhaps composed to NFC (decision record 014) — as the domain says, and nothing else.
       */
      async function checkEcho(
        request: FuzzRequest,
        documented: Record<string, JsonSchema>,
        answered: unknown,
        findings: Finding[],
        where: string,
      ) {
        if (typeof request.body !== "string" || !answered || typeof answered !== "object") return;
        let sent: unknown;
        try {
          sent = JSON.parse(request.body);
        } catch {
          return;
        }
        if (!sent || typeof sent !== "object") return;
        const user = answered as { id?: string; version?: number; name?: string; email?: string };
        const expected: Record<string, string> = {};
        const { name, email } = sent as { name?: unknown; email?: unknown };
        if (documented.name && typeof name === "string" && typeof user.name === "string") expected.name = name.trim();
        if (documented.email && typeof email === "string" && typeof user.email === "string")
          expected.email = email.trim().toLowerCase();
        if (Object.keys(expected).length === 0) return;
        const mismatch = (label: string, got: Record<string, unknown>) =>
          Object.entries(expected)
            .filter(([field, value]) => got[field] !== value && got[field] !== value.normalize("NFC"))
            .map(([field, value]) => `${label} ${field} ${JSON.stringify(got[field])} for ${JSON.stringify(value)}`);
        const inAnswer = mismatch("answered", user);
        if (inAnswer.length)
          findings.push({ signature: `accepted text changed ${where}`, detail: inAnswer.join("; ") });
        if (!user.id || !user.version) return;
        const read = await send(rig.server, "GET", `/api/users/${user.id}?version=${user.version}`);
        if (read.status !== 200) {
          findings.push({
            signature: `accepted text does not read back ${where} ${read.status}`,
            detail: read.text.slice(0, 200),
          });
          return;
        }
        const stored = JSON.parse(read.text) as Record<string, unknown>;
        // Erased meanwhile by a concurrent request: nothing left to compare.
        if (stored.name === "[erased]") return;
        const inStore = mismatch("read back", stored);
        if (inStore.length) findings.push({ signature: `accepted text changed ${where}`, detail: inStore.join("; ") });
      }

      const [{ position: startPosition }] = (await rig.database.query<{ position: number }>(
        "SELECT coalesce(max(position), 0)::bigint AS position FROM events",
      )) as [{ position: number }];

      const startedAt = Date.now();
      // 1. Concurrently, as clients would: answers and the events they leave behind.
      const concurrentValues = generate(concurrentCount);
      const probes: Probe[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < concurrentValues.length && Date.now() < startedAt + phaseSeconds.concurrent! * 1000)
            probes.push(await probe(concurrentValues[next++]!.value, { checkTables: false }));
        }),
      );
      const succeeded = new Set(probes.filter((p) => p.status >= 200 && p.status < 300).map((p) => p.correlationId));
      const appended = await rig.database.query<{ correlation_id: string; type: string }>(
        "SELECT metadata->>'correlationId' AS correlation_id, type FROM events WHERE position > $1",
        [startPosition],
      );
      const appendedByRefusals = appended.filter((event) => !succeeded.has(event.correlation_id));

      const concurrentSeconds = (Date.now() - startedAt) / 1000;
      const concurrentProbes = probes.length;
      // 2. One at a time, with fresh users: every table before and after each request.
      known.segments.push(...(await registerUsers(rig.server, 6)));
      for (const id of known.segments) if (/^[0-9a-f-]{36}$/.test(id)) known.userIds.add(id);
      const sequentialArbitrary = requestArbitrary(document, known);
      const sequentialValues = Array.from({ length: sequentialCount }, (_, i) =>
        sequentialArbitrary.generate(random, i % 2 ? 2 : undefined),
      );
      const sequentialDeadline = Date.now() + phaseSeconds.sequential! * 1000;
      for (const value of sequentialValues) {
        if (Date.now() > sequentialDeadline) break;
        probes.push(await probe(value.value, { checkTables: true }));
      }
      const sequentialSeconds = (Date.now() - startedAt) / 1000 - concurrentSeconds;

      // Group what failed by signature, and shrink one example of each group.
      const values = [
        ...concurrentValues.map((value) => ({ value, arbitrary })),
        ...sequentialValues.map((value) => ({ value, arbitrary: sequentialArbitrary })),
      ];
      const groups = new Map<string, { count: number; index: number; finding: Finding; where: Set<string> }>();
      probes.forEach((result, index) => {
        for (const finding of result.findings) {
          const group = groups.get(finding.signature) ?? { count: 0, index, finding, where: new Set<string>() };
          groups.set(finding.signature, group);
          group.count++;
          if (finding.where) group.where.add(finding.where);
        }
      });
      // probes were pushed in completion order: find each group's generated value by its request.
      const valueOf = (request: FuzzRequest) =>
        values.find(({ value }) => value.value_ === request || value.value === request) ?? values[0]!;
      const serverLog = (correlationId: string) =>
        rig.serverLog.filter((line) => line.includes(correlationId)).map((line) => line.slice(0, 1_000));
      const uncorrelatedErrors = () =>
        [
          ...new Set(
            rig.serverLog
              .filter((line) => /error/i.test(line) && !line.includes("correlationId"))
              .map((line) => line.replace(/\d+/g, "…").slice(0, 300)),
          ),
        ].slice(0, 5);
      const report: string[] = [];
      // The worst first: a 5xx or no answer, then a refusal that changed data, then wrong answers.
      const severity = (signature: string) =>
        [/^(5xx|unanswered|page answered 5)/, /^refused/, /^accepted/, /^not as documented/].findIndex((pattern) =>
          pattern.test(signature),
        ) >>> 0;
      let shrunk = 0;
      const shrinkDeadline = Date.now() + phaseSeconds.shrinking! * 1000;
      for (const [signature, group] of [...groups].sort(([a], [b]) => severity(a) - severity(b))) {
        const original = probes[group.index]!;
        const checkTables = group.index >= concurrentProbes;
        let example = original;
        if (shrunk++ < shrinkGroups && Date.now() < shrinkDeadline) {
          const { value, arbitrary: from } = valueOf(original.request);
          let current = value;
          let steps = 0;
          search: while (steps < shrinkBudget && Date.now() < shrinkDeadline) {
            for (const candidate of from.shrink(current.value_, current.context)) {
              if (++steps > shrinkBudget) break search;
              const tried = await probe(candidate.value, { checkTables });
              if (tried.findings.some((finding) => finding.signature === signature)) {
                current = candidate;
                example = tried;
                continue search;
              }
            }
            break;
          }
        }
        const { request } = example;
        report.push(
          [
            `${signature} — ${group.count}×: ${group.finding.detail}`,
            ...(group.where.size > 1 ? [`  on: ${[...group.where].sort().join(", ").slice(0, 600)}`] : []),
            `  smallest: ${request.method} ${request.path.slice(0, 300)}`,
            `  headers ${JSON.stringify(request.headers).slice(0, 300)} body ${JSON.stringify(request.body ?? null).slice(0, 300)}`,
            ...(example.findings.find((finding) => finding.signature === signature)
              ? [`  then: ${example.findings.find((finding) => finding.signature === signature)!.detail.slice(0, 300)}`]
              : []),
            ...serverLog(example.correlationId).map((line) => `  server: ${line}`),
            // A failure before the app's handler is logged by Next.js without our correlation id.
            ...(signature.includes("(not a problem document")
              ? uncorrelatedErrors().map((line) => `  server, unattributed: ${line}`)
              : []),
          ].join("\n"),
        );
      }

      const byStatus = new Map<number, number>();
      for (const result of probes) byStatus.set(result.status, (byStatus.get(result.status) ?? 0) + 1);
      console.log(
        `fuzz seed ${seed}: ${[...byStatus]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}×${count}`)
          .join(
            " ",
          )} (${concurrentProbes} concurrent, ${probes.length - concurrentProbes} one at a time); ${groups.size} kinds of failure; ${concurrentSeconds.toFixed(0)} s concurrent, ${sequentialSeconds.toFixed(0)} s one at a time, ${((Date.now() - startedAt) / 1000 - concurrentSeconds - sequentialSeconds).toFixed(0)} s shrinking`,
      );
      if (report.length) console.log(`fuzz seed ${seed} failures:\n${report.join("\n")}`);
      figures.record("fuzz", {
        seed,
        requests: probes.length,
        pages: probes.filter((p) => p.request.kind === "page").length,
        answered2xx: probes.filter((p) => p.status >= 200 && p.status < 300).length,
        answered4xx: probes.filter((p) => p.status >= 400 && p.status < 500).length,
        answered5xx: probes.filter((p) => p.status >= 500).length,
        refusedWithTablesChecked: probes.filter(
          (p, index) => index >= concurrentProbes && p.status >= 400 && p.status < 500,
        ).length,
        kindsOfFailure: groups.size,
        eventsAppendedBy2xx: appended.length - appendedByRefusals.length,
      });
      expect(report, `seed ${seed}`).toEqual([]);
      // Every event appended during the concurrent run belongs to a request answered 2xx.
      expect(appendedByRefusals, `seed ${seed}`).toEqual([]);
    }, 420_000); // the phases' budgets (210 s by default), plus registering users and the checks after them
  },
);
