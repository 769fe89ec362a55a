// GET /api/health — liveness: the process is up (it does not touch the database; /api/ready does)
import { methodNotAllowed, publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
