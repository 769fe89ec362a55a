// GET /api/reports/definitions/[id] — one saved report; PUT — replace its definition (rebuilt); DELETE — delete it and its tables
import { actorOf } from "@/lib/application/auth/principal";
import { editReport, removeReport, savedReport, savedReportId } from "@/lib/application/reports/saved-report-commands";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { reportDefinition } from "@/lib/validation/saved-reports";

export const GET = route<{ id: string }>("admin", async (_request, { id }) =>
  Response.json(await savedReport(savedReportId(id)), { headers: { "cache-control": "no-store" } }),
);

export const PUT = route<{ id: string }>("admin", async (request, { id }, { principal, correlationId }) => {
  const reportId = savedReportId(id);
  const definition = await readJsonBody(request, reportDefinition);
  return Response.json(await editReport(reportId, definition, { actor: actorOf(principal), correlationId }), {
    headers: { "cache-control": "no-store" },
  });
});

export const DELETE = route<{ id: string }>("admin", async (_request, { id }, { principal, correlationId }) => {
  await removeReport(savedReportId(id), { actor: actorOf(principal), correlationId });
  return new Response(null, { status: 204 });
});

export const { POST, PATCH } = otherMethodsNotAllowed({ GET, PUT, DELETE });
