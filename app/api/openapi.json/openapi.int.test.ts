// The OpenAPI document is valid OpenAPI 3.1, names every route and method the app serves (and no
// other), and describes what the handlers really answer: every answer seen below is checked
// against the document's own schema for that operation, status and media type.
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPIV3_1 } from "openapi-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureFirstAdmin } from "@/lib/application/auth/admins";
import { closeDatabase, getDatabase, provideDatabase } from "@/lib/db";
import {
  api,
  authorizedRequest,
  call,
  newUserInput,
  signedInSession,
  tokenWithScopes,
  type ApiResponse,
  type CallOptions,
} from "@/lib/testing/api";
import { testBackends } from "@/lib/testing/databases";
import { getServices } from "@/lib/application/services";
import { projections } from "@/lib/application/projections";
import { catchUp } from "@/lib/testing/projections";
import { conformanceTo } from "@/lib/testing/openapi-conformance";
import { httpMethods, routeFiles } from "@/lib/testing/routes";
import { GET } from "./route";

type Handler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

async function servedDocument(): Promise<OpenAPIV3_1.Document> {
  const response = await GET(new Request("http://rewind.test/api/openapi.json"), { params: Promise.resolve({}) });
  expect(response.status).toBe(200);
  return (await response.json()) as OpenAPIV3_1.Document;
}

describe("the OpenAPI document", () => {
  beforeAll(async () => provideDatabase(await testBackends()[0]!.open()));
  afterAll(() => closeDatabase());

  it("is valid OpenAPI 3.1 by a maintained validator (which does reject a broken document)", async () => {
    const document = await servedDocument();
    expect(document.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeTruthy();

    const broken = structuredClone(document) as unknown as {
      paths: Record<string, Record<string, { parameters: { in: string }[] }>>;
    };
    broken.paths["/api/users"]!.get!.parameters[0]!.in = "body";
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("has every route under app/api with exactly the methods it serves", async () => {
    const document = await servedDocument();
    const documented = new Set(
      Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
        httpMethods.filter((method) => item?.[method.toLowerCase() as "get"]).map((method) => `${method} ${template}`),
      ),
    );
    const served = new Set<string>();
    const routes = routeFiles().filter((route) => !route.catchAll);
    for (const route of routes) {
      const routeModule = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler | undefined>;
      // Methods a route does not support are exported too, to answer 405 with Allow.
      expect(
        httpMethods.filter((method) => !routeModule[method]),
        `${route.file} exports no handler for`,
      ).toEqual([]);
      for (const method of httpMethods) {
        const handler = routeModule[method]!;
        const request = await authorizedRequest(`http://rewind.test${route.url}`, {
          method,
          ...(method === "GET" ? {} : { body: "{}", headers: { "content-type": "application/json" } }),
        });
        const answer = await handler(request, { params: Promise.resolve(route.params) });
        await answer.body?.cancel(); // the event stream would never end
        if (answer.status !== 405) served.add(`${method} ${route.template}`);
      }
    }
    expect(routes.length).toBeGreaterThan(20);
    expect([...served].sort()).toEqual([...documented].sort());
  });
});

describe.each(testBackends())("answers the document describes, on $name", (backend) => {
  let conformance: ReturnType<typeof conformanceTo>;
  const seen: string[] = [];

  beforeAll(async () => {
    provideDatabase(await backend.open());
    conformance = conformanceTo((await SwaggerParser.dereference(await servedDocument())) as OpenAPIV3_1.Document);
  });
  afterAll(() => closeDatabase());

  /** Calls the API and checks the answer against the document's schema for its operation, status and type. */
  async function described(
    method: string,
    pathAndQuery: string,
    template: string,
    options: CallOptions = {},
  ): Promise<ApiResponse> {
    const answer = await call(method, pathAndQuery, options);
    const contentType = answer.headers.get("content-type");
    expect(
      conformance.violations({ method, template, status: answer.status, contentType, body: answer.body }),
      `${method} ${pathAndQuery} ${answer.status}: ${answer.text.slice(0, 200)}`,
    ).toEqual([]);
    // Answers with a body: the statuses the test below must have seen.
    if (answer.status !== 204 && answer.status !== 304 && contentType)
      seen.push(`${method} ${template} ${answer.status}`);
    return answer;
  }

  it("for users, events, reports, projections, audit, access and operations — successes and problems alike", async () => {
    const registered = await described("POST", "/api/users", "/api/users", { body: newUserInput({ name: "Ada" }) });
    expect(registered.status).toBe(201);
    const id = registered.body.id as string;
    const at = (path: string) => `/api/users/${id}${path}`;
    await described("POST", at("/rename"), "/api/users/{id}/rename", {
      body: { name: "Ada Lovelace", reason: "married" },
    });
    await described("PUT", at(""), "/api/users/{id}", { body: { name: "Ada King" } });
    await described("POST", at("/change-email"), "/api/users/{id}/change-email", {
      body: { email: `ada-${id}@example.com` },
    });
    await described("POST", at("/change-password"), "/api/users/{id}/change-password", {
      body: { password: "another long password" },
    });
    await described("POST", at("/deactivate"), "/api/users/{id}/deactivate", {
      body: { reason: "asked to", category: "requested" },
    });
    await described("POST", at("/reactivate"), "/api/users/{id}/reactivate");
    await described("GET", at(""), "/api/users/{id}");
    await described("GET", at("?version=2"), "/api/users/{id}");
    await described("GET", at(""), "/api/users/{id}", { headers: { "if-none-match": '"7"' } });
    await described("GET", at("/events"), "/api/users/{id}/events");
    await described("GET", at("/export"), "/api/users/{id}/export");
    await described("POST", "/api/users", "/api/users", { body: newUserInput({ email: `ada-${id}@example.com` }) });
    await described("GET", "/api/users?limit=5", "/api/users");
    await described("GET", `/api/users?at=${new Date().toISOString()}`, "/api/users");
    await described("GET", "/api/events?after=0&limit=3", "/api/events");

    const { database, store } = await getServices();
    for (const projection of projections) await catchUp(database, store, projection);
    await described("GET", "/api/projections", "/api/projections");
    await described("GET", "/api/reports/name-changes", "/api/reports/name-changes");
    await described("GET", "/api/reports/name-changes?format=csv", "/api/reports/name-changes");
    await described("GET", "/api/reports/activity?bucket=day", "/api/reports/activity");
    await described("GET", "/api/reports/activity?format=csv", "/api/reports/activity");
    await described("GET", "/api/audit?limit=2", "/api/audit");
    await described("GET", "/api/tokens", "/api/tokens");
    await described("GET", "/api/auth/session", "/api/auth/session");
    await described("GET", "/api/health", "/api/health");
    await described("GET", "/api/ready", "/api/ready");
    await described("GET", "/api/metrics", "/api/metrics");
    // Dry runs (decision 026): the preview, now and against an earlier version.
    await described("POST", "/api/users?dryRun=true", "/api/users", { body: newUserInput() });
    await described("POST", at("/rename?dryRun=true&version=2"), "/api/users/{id}/rename", {
      body: { name: "Ada Byron" },
    });
    await described("POST", at("/forget?dryRun=true"), "/api/users/{id}/forget");
    await described("POST", "/api/users/" + id + "/forget", "/api/users/{id}/forget");
    // Dry runs of the other commands (decision 028): tokens (a signed-in admin's), saved reports, rebuilds.
    const adminEmail = `openapi-${backend.name}@rewind.test`;
    await ensureFirstAdmin(await getDatabase(), { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: "a long admin password" });
    const admin = await signedInSession(adminEmail, "a long admin password");
    await described("POST", "/api/tokens?dryRun=true", "/api/tokens", {
      headers: admin,
      body: { name: "previewed", scopes: ["read"] },
    });
    const service = await tokenWithScopes(["read"], "to revoke, maybe");
    await described("POST", `/api/tokens/${service.id}/revoke?dryRun=true`, "/api/tokens/{id}/revoke", {
      headers: admin,
    });
    const definition = { name: "Deactivations", eventTypes: ["user.deactivated"], count: "events", period: "month" };
    await described("POST", "/api/reports/definitions?dryRun=true", "/api/reports/definitions", { body: definition });
    const report = await described("POST", "/api/reports/definitions", "/api/reports/definitions", {
      body: definition,
    });
    const reportPath = `/api/reports/definitions/${report.body.id}`;
    await described("PUT", `${reportPath}?dryRun=true&version=1`, "/api/reports/definitions/{id}", {
      body: { ...definition, period: "day" },
    });
    await described("DELETE", `${reportPath}?dryRun=true`, "/api/reports/definitions/{id}");
    await described("DELETE", `${reportPath}?dryRun=true&version=7`, "/api/reports/definitions/{id}");
    await described("POST", "/api/projections/name_changes/rebuild?dryRun=true", "/api/projections/{name}/rebuild");
    await described(
      "POST",
      "/api/projections/name_changes/rebuild?dryRun=true&version=1",
      "/api/projections/{name}/rebuild",
    );

    // Problems: each a documented status with a problem+json body.
    await described("POST", "/api/users", "/api/users", { body: { name: 1 } });
    await described("POST", "/api/users", "/api/users", {
      rawBody: "{",
      headers: { "content-type": "application/json" },
    });
    await described("POST", "/api/users", "/api/users", { rawBody: "x", headers: { "content-type": "text/plain" } });
    await described("GET", "/api/users/not-a-user", "/api/users/{id}");
    await described("GET", "/api/users?limit=0", "/api/users");
    await described("GET", "/api/users", "/api/users", { credentials: "none" });
    await described("POST", at("/rename"), "/api/users/{id}/rename", {
      body: { name: "Again" },
      headers: { "if-match": '"1"' },
    });
    await described("POST", at("/rename"), "/api/users/{id}/rename", { body: { name: "Again" } });
    await described("GET", "/api/events?after=999999999", "/api/events");
    await described("POST", "/api/projections/nope/rebuild", "/api/projections/{name}/rebuild");
    await described("POST", "/api/tokens", "/api/tokens", {
      body: { name: "a token made by a token", scopes: ["read"] },
    });
    await described("POST", "/api/tokens/nope/revoke", "/api/tokens/{id}/revoke");
    await described("GET", "/api/audit", "/api/audit", { headers: (await tokenWithScopes(["read"])).headers });
    await described("POST", "/api/auth/sign-in", "/api/auth/sign-in", {
      credentials: "none",
      body: { email: "nobody@rewind.test", password: "wrong" },
    });

    const statuses = new Set(seen.map((line) => line.split(" ").at(-1)));
    expect([...statuses].sort()).toEqual(["200", "201", "400", "401", "403", "404", "409", "410", "412", "415"].sort());
    expect((await api.get("/api/openapi.json")).status).toBe(200);
  });

  // Why they declare no 4xx (redocly.yaml exempts them from operation-4xx-response): they read no input.
  it("for the public probes, which answer no client error whatever the query, credentials or headers", async () => {
    const odd: CallOptions[] = [
      { credentials: "none" },
      { headers: { authorization: "Bearer rwd_not-a-token" } },
      {
        headers: {
          cookie: "rewind_session=forged",
          "x-csrf-token": "wrong",
          "if-none-match": '"7"',
          accept: "text/html",
        },
      },
    ];
    for (const template of ["/api/health", "/api/ready", "/api/openapi.json"]) {
      for (const options of odd) {
        for (const query of ["", "?limit=0", "?unknown=%ZZ&at=yesterday"]) {
          const answer = await described("GET", template + query, template, options);
          expect(answer.status, `GET ${template}${query}`).toBe(200);
        }
      }
    }
  });
});
