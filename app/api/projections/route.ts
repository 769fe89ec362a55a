// GET /api/projections — every asynchronous projection: checkpoint, lag, last error, rebuild progress
import { projectionViews } from "@/lib/application/projections";
import { methodNotAllowed, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route("admin", async () =>
  Response.json({ items: await projectionViews() }, { headers: { "cache-control": "no-store" } }),
);

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
