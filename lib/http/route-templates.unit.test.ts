import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi/document";
import { routeOf, routeTemplates } from "./route-templates";

describe("route templates", () => {
  it("are exactly the OpenAPI document's paths, so that no route is labelled (unknown)", () => {
    expect([...routeTemplates].sort()).toEqual(Object.keys(openApiDocument().paths ?? {}).sort());
  });

  it("name a request by its route, never by its ids", () => {
    expect(routeOf("/api/users/0b6f6a1e-4a44-4c8f-9d7e-2f0c3f6e9a10/rename")).toBe("/api/users/{id}/rename");
    expect(routeOf("/api/events/stream")).toBe("/api/events/stream");
    expect(routeOf("/api/openapi.json")).toBe("/api/openapi.json");
    expect(routeOf("/api/openapiXjson")).toBe("(unknown)");
    expect(routeOf("/api/nowhere")).toBe("(unknown)");
  });
});
