// Every route file under app/api, for the tests that must cover each endpoint (authentication, the
// OpenAPI document, the fuzzer): its URL with sample values for its segments, and its module.
import { readdirSync } from "node:fs";
import path from "node:path";

export { httpMethods, type HttpMethod } from "@/lib/http/route";

export const sampleId = "00000000-0000-4000-8000-000000000001";

export interface RouteFile {
  /** A URL the route answers, dynamic segments filled with sampleId. */
  url: string;
  /** The route as the OpenAPI document names it: /api/users/{id}. */
  template: string;
  file: string;
  params: Record<string, unknown>;
  /** The catch-all that answers 404 for unknown API paths. */
  catchAll: boolean;
}

const apiFolder = path.resolve(import.meta.dirname, "../../app/api");

export function routeFiles(): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (folder: string, segments: string[]) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith("_"))
        walk(path.join(folder, entry.name), [...segments, entry.name]);
      if (!entry.isFile() || entry.name !== "route.ts") continue;
      const params: Record<string, unknown> = {};
      const url: string[] = [];
      const template: string[] = [];
      let catchAll = false;
      for (const segment of segments) {
        const rest = /^\[\.\.\.(\w+)\]$/.exec(segment);
        const dynamic = /^\[(\w+)\]$/.exec(segment);
        if (rest) {
          catchAll = true;
          params[rest[1]!] = ["anything"];
          url.push("anything");
          template.push(`{${rest[1]}}`);
        } else if (dynamic) {
          params[dynamic[1]!] = sampleId;
          url.push(sampleId);
          template.push(`{${dynamic[1]}}`);
        } else {
          url.push(segment);
          template.push(segment);
        }
      }
      found.push({
        url: `/api/${url.join("/")}`,
        template: `/api/${template.join("/")}`,
        file: path.join(folder, entry.name),
        params,
        catchAll,
      });
    }
  };
  walk(apiFolder, []);
  return found;
}

export interface PageRoute {
  /** The page's path as a template, route groups left out: /users/{id}. */
  template: string;
}

/** Every page under app (page.tsx), for the tests that must reach each one (the fuzzer). */
export function pageRoutes(): PageRoute[] {
  const appFolder = path.resolve(import.meta.dirname, "../../app");
  const found: PageRoute[] = [];
  const walk = (folder: string, segments: string[]) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith("_") && entry.name !== "api") {
        // A route group, (dashboard), names no segment of the URL.
        const group = /^\(.*\)$/.test(entry.name);
        walk(
          path.join(folder, entry.name),
          group ? segments : [...segments, entry.name.replace(/^\[(\w+)\]$/, "{$1}")],
        );
      }
      if (entry.isFile() && entry.name === "page.tsx") found.push({ template: `/${segments.join("/")}` });
    }
  };
  walk(appFolder, []);
  return found;
}
