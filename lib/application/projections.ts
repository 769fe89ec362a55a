// The asynchronous projections Rewind keeps, and the runner the server starts for them.
import { RebuildInProgress, rebuildProjection } from "../projections/rebuild";
import { checkpointOf, readStatus } from "../projections/checkpoints";
import { runProjections } from "../projections/runner";
import type { Projection } from "../projections/projection";
import { ApplicationError } from "./errors";
import { getServices } from "./services";
import { logger } from "../observability/logger";
import { activityProjection } from "./users/activity-projection";
import { cohortsProjection } from "./users/cohorts-projection";
import { nameChangesProjection } from "./users/name-changes-projection";
import { dropOrphanCheckpoints, savedReportProjections } from "./reports/saved-reports";
import type { Services } from "./services";

/** The projections defined in code; saved reports add one each (savedReportProjections). */
export const projections: readonly Projection[] = [nameChangesProjection, activityProjection, cohortsProjection];

/** Every projection: those in code, then one per saved report. */
async function allProjections(): Promise<Projection[]> {
  const { database } = await getServices();
  return [...projections, ...(await savedReportProjections(database))];
}

const definitionsPollMs = 1000;
const wakeKey = Symbol.for("rewind.saved-reports-wake");
type WithWake = typeof globalThis & { [wakeKey]?: () => void };

/** Tells this process's runner that saved reports were added, edited or deleted, so it need not wait for its next look. */
export function savedReportsChanged(): void {
  (globalThis as WithWake)[wakeKey]?.();
}

/**
 * Runs one runner loop per saved report, as the definitions in the database come and go: a new or
 * edited one (a new revision, hence a new projection version) starts a loop, which rebuilds it
 * from the first event; a deleted or superseded one has its loop stopped. Definitions are looked
 * at every second, and at once when this process changed them.
 */
async function superviseSavedReports(services: Services, signal: AbortSignal): Promise<void> {
  const running = new Map<string, AbortController>();
  while (!signal.aborted) {
    try {
      const current = await savedReportProjections(services.database);
      const wanted = new Map(current.map((projection) => [`${projection.name}@${projection.version}`, projection]));
      for (const [key, loop] of running) {
        if (wanted.has(key)) continue;
        loop.abort();
        running.delete(key);
      }
      for (const [key, projection] of wanted) {
        if (running.has(key)) continue;
        const loop = new AbortController();
        running.set(key, loop);
        const stopWith = () => loop.abort();
        signal.addEventListener("abort", stopWith, { once: true });
        void runProjections(services, [projection], loop.signal)
          .catch((error: unknown) =>
            logger().error({ projection: projection.name, err: error }, "saved report runner stopped"),
          )
          .finally(() => signal.removeEventListener("abort", stopWith));
      }
      await dropOrphanCheckpoints(services.database);
    } catch (error) {
      logger().warn({ err: error }, "could not read the saved reports");
    }
    await new Promise<void>((resume) => {
      const holder = globalThis as WithWake;
      const timer = setTimeout(done, definitionsPollMs);
      holder[wakeKey] = done;
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (holder[wakeKey] === done) delete holder[wakeKey];
        resume();
      }
    });
  }
  for (const loop of running.values()) loop.abort();
}

const runnerKey = Symbol.for("rewind.projection-runner");
type WithRunner = typeof globalThis & { [runnerKey]?: AbortController };

/** Starts keeping every projection caught up, once per process; returns how to stop it. */
export async function startProjectionRunner(): Promise<AbortController> {
  const holder = globalThis as WithRunner;
  if (holder[runnerKey]) return holder[runnerKey];
  const stop = new AbortController();
  holder[runnerKey] = stop;
  const services = await getServices();
  void runProjections(services, projections, stop.signal).catch((error: unknown) =>
    logger().error({ err: error }, "projection runner stopped"),
  );
  void superviseSavedReports(services, stop.signal);
  return stop;
}

export class UnknownProjection extends ApplicationError {
  readonly code = "not_found";
  constructor(name: string) {
    super(`There is no projection named ${JSON.stringify(name).slice(0, 80)}`);
    this.name = "UnknownProjection";
  }
}

export interface ProjectionView {
  name: string;
  version: number;
  state: "up to date" | "catching up" | "rebuilding" | "failing";
  position: number;
  head: number;
  lagEvents: number;
  /** How long it has been behind the log (0 when caught up). */
  lagSeconds: number;
  caughtUpAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  rebuild: { startedAt: string; applied: number; total: number } | null;
}

/** The views of every projection, or of those named (a view counts the events its projection lags behind). */
export async function projectionViews(names?: readonly string[]): Promise<ProjectionView[]> {
  const { database, store } = await getServices();
  const head = await store.headPosition();
  const projections = (await allProjections()).filter((projection) => !names || names.includes(projection.name));
  return Promise.all(
    projections.map(async (projection) => {
      const status = await checkpointOf(database, projection);
      const lagEvents = await store.countAfter(status.position).catch(() => 0);
      const behindSince = status.caughtUpAt ?? status.updatedAt;
      const state = status.rebuild
        ? "rebuilding"
        : status.lastError
          ? "failing"
          : lagEvents > 0
            ? "catching up"
            : "up to date";
      return {
        name: projection.name,
        version: projection.version,
        state,
        position: status.position,
        head,
        lagEvents,
        lagSeconds: lagEvents === 0 ? 0 : Math.max(0, Math.round((Date.now() - behindSince.getTime()) / 1000)),
        caughtUpAt: status.caughtUpAt?.toISOString() ?? null,
        lastError: status.lastError,
        lastErrorAt: status.lastErrorAt?.toISOString() ?? null,
        rebuild: status.rebuild && {
          startedAt: status.rebuild.startedAt.toISOString(),
          applied: status.rebuild.applied,
          total: status.rebuild.total,
        },
      };
    }),
  );
}

/**
 * The rules of a rebuild, shared by it and its dry run: the projection exists (404) and is not
 * rebuilding already (409). Checked by reading; the rebuild's claim on the checkpoint settles a race.
 */
async function rebuildableProjection(name: string): Promise<{ projection: Projection; hasCheckpoint: boolean }> {
  const projection = (await allProjections()).find((candidate) => candidate.name === name);
  if (!projection) throw new UnknownProjection(name);
  const status = await readStatus((await getServices()).database, name);
  if (status?.rebuild) throw new RebuildInProgress(name);
  return { projection, hasCheckpoint: status !== undefined };
}

/** What a rebuild would do, decided but not started (decision 028): it records no event, it replays them. */
export interface RebuildPreview {
  dryRun: true;
  decidedAgainst: { point: "now" };
  events: [];
  /** The projection as GET /api/projections shows it (null: it has not run yet, so has no checkpoint). */
  before: ProjectionView | null;
  state: { name: string; status: "rebuilding" };
}

/** A dry run of a rebuild: the same refusals, the projection as it stands, and nothing started or claimed. */
export async function previewRebuild(name: string): Promise<RebuildPreview> {
  // A projection that never ran has no checkpoint yet: its view would make one, which a dry run must not.
  const { hasCheckpoint } = await rebuildableProjection(name);
  const [before = null] = hasCheckpoint ? await projectionViews([name]) : [];
  return { dryRun: true, decidedAgainst: { point: "now" }, events: [], before, state: { name, status: "rebuilding" } };
}

/** Starts rebuilding `name` in this process and returns at once; progress shows in projectionViews. */
export async function startRebuild(name: string): Promise<void> {
  const { projection } = await rebuildableProjection(name);
  const services = await getServices();
  const { database } = services;
  void rebuildProjection(services, projection).catch(async (error: unknown) => {
    logger().error({ projection: name, err: error }, "rebuild failed");
    await database
      .query(`UPDATE projection_checkpoints SET last_error = $2, last_error_at = now() WHERE name = $1`, [
        name,
        String(error),
      ])
      .catch(() => {});
  });
  // Wait until the rebuild has claimed the checkpoint, so that the caller sees it under way.
  for (let tries = 0; tries < 40 && !(await readStatus(database, name))?.rebuild; tries++)
    await new Promise((done) => setTimeout(done, 25));
}
