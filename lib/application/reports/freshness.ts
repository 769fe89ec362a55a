// How fresh a report is: the checkpoint of the projection it reads.
import { projectionViews } from "../projections";

export interface Freshness {
  projection: string;
  state: "up to date" | "catching up" | "rebuilding" | "failing";
  caughtUpAt: string | null;
  lagEvents: number;
  lagSeconds: number;
  /** While a rebuild runs: events applied of how many. */
  progress: { applied: number; total: number } | null;
}

export async function reportFreshness(projection: string): Promise<Freshness> {
  // Only this projection's view: another one far behind (a saved report catching up) would cost a
  // count of every event it has still to read.
  const [view] = await projectionViews([projection]);
  if (!view) throw new Error(`No projection ${projection}`);
  return {
    projection,
    state: view.state,
    caughtUpAt: view.caughtUpAt,
    lagEvents: view.lagEvents,
    lagSeconds: view.lagSeconds,
    progress: view.rebuild ? { applied: view.rebuild.applied, total: view.rebuild.total } : null,
  };
}
