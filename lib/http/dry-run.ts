// Dry runs of commands, the same for every command route: the route asks `dryRunOf(request)`; when it
// says so, the route decides without recording and answers the preview (200, never stored or replayed).
import type { DecisionPoint } from "@/lib/application/command-handler";
import { dryRunQuery } from "@/lib/validation/dry-run";
import { parseQuery, validationError } from "./request";

/** The point a dry run decides against (undefined: now); `false` when the request is a real command. */
export function dryRunOf(request: Request): false | { point: DecisionPoint | undefined } {
  const query = parseQuery(request, dryRunQuery);
  if (query.dryRun !== true) return false;
  if (query.version !== undefined) return { point: { version: query.version } };
  if (query.at !== undefined) return { point: { effectiveAt: query.at } };
  return { point: undefined };
}

/**
 * Whether the request is a dry run, for a command whose resource has no versions to go back to (a
 * token, a rebuild, a report not saved yet): `version=`/`at=` are refused (400) with `why`, rather
 * than ignored — the caller would take the answer for one decided then.
 */
export function dryRunNowOf(request: Request, why: string): boolean {
  const dryRun = dryRunOf(request);
  if (dryRun && dryRun.point !== undefined) {
    const parameter = "version" in dryRun.point ? "version" : "at";
    throw validationError([{ path: parameter, message: why }], `${parameter}= makes no sense here: ${why}`);
  }
  return dryRun !== false;
}

/** A preview's answer: 200, not cached, no ETag (nothing was recorded, the resource has no new version). */
export function previewResponse(preview: object): Response {
  return Response.json(preview, { headers: { "cache-control": "no-store" } });
}
