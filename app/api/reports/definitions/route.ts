// GET /api/reports/definitions — the saved reports; POST — save a new one, which starts catching up over the whole log
import { actorOf } from "@/lib/application/auth/principal";
import { saveReport, savedReports } from "@/lib/application/reports/saved-report-commands";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { reportDefinition } from "@/lib/validation/saved-reports";

export const GET = route("admin", async () =>
  Response.json({ items: await savedReports() }, { headers: { "cache-control": "no-store" } }),
);

export const POST = route("admin", async (request, _params, { principal, correlationId }) => {
  const definition = await readJsonBody(request, reportDefinition);
  const report = await saveReport(definition, { actor: actorOf(principal), correlationId });
  return Response.json(report, {
    status: 201,
    headers: { location: `/api/reports/definitions/${report.id}`, "cache-control": "no-store" },
  });
});

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
