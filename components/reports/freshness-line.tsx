import type { z } from "zod";
import type { freshness as freshnessSchema } from "@/lib/http/openapi/response-schemas";
import { RelativeTime } from "../relative-time";

export type Freshness = z.infer<typeof freshnessSchema>;

export function FreshnessLine({ freshness }: { freshness: Freshness }) {
  return (
    <p className="text-xs text-slate-500" data-testid={`freshness-${freshness.projection}`}>
      {freshness.progress ? (
        <span role="status">
          Catching up: {freshness.progress.applied.toLocaleString("en")} of{" "}
          {freshness.progress.total.toLocaleString("en")} events
        </span>
      ) : freshness.lagEvents > 0 ? (
        <span role="status">
          Catching up: {freshness.lagEvents.toLocaleString("en")} events behind ({freshness.lagSeconds} s)
        </span>
      ) : (
        <>
          Up to date
          {freshness.caughtUpAt && (
            <>
              {" "}
              — checked <RelativeTime iso={freshness.caughtUpAt} />
            </>
          )}
        </>
      )}
      {" · "}from projection <code>{freshness.projection}</code>
    </p>
  );
}
