import { describe, expect, it } from "vitest";
import { conformanceTo, type OpenApiDocument } from "./openapi-conformance";

const document = {
  openapi: "3.1.0",
  info: { title: "t", version: "1" },
  paths: {
    "/api/things": {
      get: {
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": {
                schema: { type: "object", required: ["id"], properties: { id: { type: "string" } } },
              },
            },
          },
        },
      },
    },
    "/api/things/{id}": { get: { responses: { "204": { description: "none" } } } },
  },
} as unknown as OpenApiDocument;

describe("conformance to the OpenAPI document", () => {
  const conformance = conformanceTo(document);
  const answer = {
    method: "GET",
    template: "/api/things",
    status: 200,
    contentType: "application/json; charset=utf-8",
    body: { id: "a" },
  };

  it("accepts an answer the document describes", () => expect(conformance.violations(answer)).toEqual([]));

  it("names an undeclared status, an undeclared media type, a body off its schema and an unknown operation", () => {
    expect(conformance.violations({ ...answer, status: 500 })).toEqual(["GET /api/things does not declare status 500"]);
    expect(conformance.violations({ ...answer, contentType: "text/html" })).toEqual([
      "GET /api/things 200 does not declare text/html",
    ]);
    expect(conformance.violations({ ...answer, body: { id: 1 } })[0]).toMatch(/body: .*must be string/);
    expect(conformance.violations({ ...answer, method: "POST" })).toEqual(["POST /api/things is not in the document"]);
  });

  it("finds a path's template, fixed paths first", () => {
    expect(conformance.templateOf("/api/things")).toBe("/api/things");
    expect(conformance.templateOf("/api/things/x")).toBe("/api/things/{id}");
    expect(conformance.templateOf("/api/things/x/y")).toBeUndefined();
  });
});
