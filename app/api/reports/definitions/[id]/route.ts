// GET /api/reports/definitions/[id] — one saved report; PUT — replace its definition (rebuilt); DELETE — delete it and its tables
// (PUT and DELETE take ?dryRun=true, with version= or at= on the report's stream: decide only)
import { actorOf } from "@/lib/application/auth/principal";
import {
  editReport,
  previewReportChange,
  removeReport,
  savedReport,
  savedReportId,
} from "@/lib/application/reports/saved-report-commands";
import { dryRunOf, previewResponse } from "@/lib/http/dry-run";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { reportDefinition } from "@/lib/validation/saved-reports";

export const GET = route<{ id: string }>("admin", async (_request, { id }) =>
  Response.json(await savedReport(savedReportId(id)), { headers: { "cache-control": "no-store" } }),
);

export const PUT = route<{ id: string }>(
  "admin",
  async (request, { id }, { principal, correlationId }) => {
    const dryRun = dryRunOf(request);
    const reportId = savedReportId(id);
    const definition = await readJsonBody(request, reportDefinition);
    const context = { actor: actorOf(principal), correlationId };
    if (dryRun)
      return previewResponse(
        await previewReportChange({ kind: "redefine", reportId, definition }, context, dryRun.point),
      );
    return Response.json(await editReport(reportId, definition, context), {
      headers: { "cache-control": "no-store" },
    });
  },
  { answersDryRun: true },
);

export const DELETE = route<{ id: string }>(
  "admin",
  async (request, { id }, { principal, correlationId }) => {
    const dryRun = dryRunOf(request);
    const reportId = savedReportId(id);
    const context = { actor: actorOf(principal), correlationId };
    if (dryRun) return previewResponse(await previewReportChange({ kind: "delete", reportId }, context, dryRun.point));
    await removeReport(reportId, context);
    return new Response(null, { status: 204 });
  },
  { answersDryRun: true },
);

export const { POST, PATCH } = otherMethodsNotAllowed({ GET, PUT, DELETE });
