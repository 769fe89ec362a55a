// GET /api/ready — readiness: the database answers, migrations are applied, no projection is failing (503 if not)
import { readiness } from "@/lib/application/operations";
import { otherMethodsNotAllowed, publicRoute } from "@/lib/http/route";

export const GET = publicRoute(async () => {
  const report = await readiness();
  return Response.json(report, {
    status: report.status === "ready" ? 200 : 503,
    headers: { "cache-control": "no-store", ...(report.status === "ready" ? {} : { "retry-after": "5" }) },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
