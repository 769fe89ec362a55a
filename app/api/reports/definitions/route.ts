// GET /api/reports/definitions — the saved reports; POST — save a new one, which starts catching up over the whole log (?dryRun=true: decide only)
import { actorOf } from "@/lib/application/auth/principal";
import { previewReportChange, saveReport, savedReports } from "@/lib/application/reports/saved-report-commands";
import { dryRunNowOf, previewResponse } from "@/lib/http/dry-run";
import { readJsonBody } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { reportDefinition } from "@/lib/validation/saved-reports";

export const GET = route("admin", async () =>
  Response.json({ items: await savedReports() }, { headers: { "cache-control": "no-store" } }),
);

export const POST = route(
  "admin",
  async (request, _params, { principal, correlationId }) => {
    const dryRun = dryRunNowOf(
      request,
      "a report not saved yet has no stream, hence no version or instant to decide at",
    );
    const definition = await readJsonBody(request, reportDefinition);
    const context = { actor: actorOf(principal), correlationId };
    if (dryRun) return previewResponse(await previewReportChange({ kind: "define", definition }, context));
    const report = await saveReport(definition, context);
    return Response.json(report, {
      status: 201,
      headers: { location: `/api/reports/definitions/${report.id}`, "cache-control": "no-store" },
    });
  },
  { answersDryRun: true },
);

export const { PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET, POST });
