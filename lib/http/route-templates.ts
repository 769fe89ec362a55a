// Every API path, as the OpenAPI document names it (/api/users/{id}): what a request's route is
// called in logs and metrics. A list of its own, so that labelling a request does not build the whole
// document; route-templates.unit.test.ts checks it names exactly the document's paths.
// A new route adds its template here as well as its path in ./openapi/document.ts.
export const routeTemplates = [
  "/api/users",
  "/api/users/{id}",
  "/api/users/{id}/rename",
  "/api/users/{id}/change-email",
  "/api/users/{id}/change-password",
  "/api/users/{id}/deactivate",
  "/api/users/{id}/reactivate",
  "/api/users/{id}/forget",
  "/api/users/{id}/events",
  "/api/users/{id}/export",
  "/api/events",
  "/api/events/stream",
  "/api/projections",
  "/api/projections/{name}/rebuild",
  "/api/reports/name-changes",
  "/api/reports/activity",
  "/api/reports/cohorts",
  "/api/reports/definitions",
  "/api/reports/definitions/{id}",
  "/api/reports/custom/{id}",
  "/api/audit",
  "/api/tokens",
  "/api/tokens/{id}/revoke",
  "/api/auth/sign-in",
  "/api/auth/sign-out",
  "/api/auth/session",
  "/api/health",
  "/api/ready",
  "/api/metrics",
  "/api/openapi.json",
  "/api/bench/echo",
] as const;

export type RouteTemplate = (typeof routeTemplates)[number];

/** Fixed paths first, so that /api/events/stream is never taken for a user's {id}. */
const patterns = [...routeTemplates]
  .sort((a, b) => Number(a.includes("{")) - Number(b.includes("{")))
  .map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+").replaceAll(".", "\\.")}$`),
  }));

/** The route's template (/api/users/{id}), never the path itself: ids would make every path its own series. */
export function routeOf(pathname: string): RouteTemplate | "(unknown)" {
  return patterns.find(({ pattern }) => pattern.test(pathname))?.template ?? "(unknown)";
}
