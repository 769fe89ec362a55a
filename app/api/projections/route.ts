// GET /api/projections — every asynchronous projection: checkpoint, lag, last error, rebuild progress
import { projectionViews } from "@/lib/application/projections";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";

export const GET = route("admin", async () =>
  Response.json({ items: await projectionViews() }, { headers: { "cache-control": "no-store" } }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
