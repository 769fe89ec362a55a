// GET /api/metrics — Prometheus metrics in the text exposition format (scrape with an API token)
import { databaseReadings } from "@/lib/application/operations";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { metrics } from "@/lib/observability/metrics";

export const GET = route("read", async () => {
  const { registry, recordDatabaseReadings } = metrics();
  recordDatabaseReadings(await databaseReadings());
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
