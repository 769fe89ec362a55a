// GET /api/health — liveness: the process is up (it does not touch the database; /api/ready does)
import { otherMethodsNotAllowed, publicRoute } from "@/lib/http/route";

export const GET = publicRoute(async () =>
  Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
