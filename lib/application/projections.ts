// The asynchronous projections Rewind keeps, and the runner the server starts for them.
import { runProjections } from "../projections/runner";
import type { Projection } from "../projections/projection";
import { getServices } from "./services";
import { nameChangesProjection } from "./users/name-changes-projection";

export const projections: readonly Projection[] = [nameChangesProjection];

const runnerKey = Symbol.for("rewind.projection-runner");
type WithRunner = typeof globalThis & { [runnerKey]?: AbortController };

/** Starts keeping every projection caught up, once per process; returns how to stop it. */
export async function startProjectionRunner(): Promise<AbortController> {
  const holder = globalThis as WithRunner;
  if (holder[runnerKey]) return holder[runnerKey];
  const stop = new AbortController();
  holder[runnerKey] = stop;
  const services = await getServices();
  void runProjections(services, projections, stop.signal).catch((error: unknown) => console.error("projection runner stopped:", error));
  return stop;
}
