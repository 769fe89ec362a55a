// GET /api/reports/custom/[id] — a saved report's values per period and group (JSON or CSV), as of any instant
import { reportFreshness } from "@/lib/application/reports/freshness";
import { savedReport, savedReportId } from "@/lib/application/reports/saved-report-commands";
import { savedReportCsv, savedReportResults } from "@/lib/application/reports/saved-reports";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { savedReportQuery } from "@/lib/validation/reports";

export const GET = route<{ id: string }>("admin", async (request, { id }) => {
  const report = await savedReport(savedReportId(id));
  const query = parseQuery(request, savedReportQuery);
  const results = await savedReportResults(report, query);
  if (query.format === "csv") {
    return new Response(`\uFEFF${savedReportCsv(results.points)}`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="report-${report.id}-${report.definition.period}-${query.from}-${query.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return Response.json(
    {
      id: report.id,
      name: report.name,
      definition: report.definition,
      window: { from: query.from, to: query.to },
      asOf: query.asOf?.toISOString() ?? null,
      ...results,
      freshness: await reportFreshness(report.projection),
    },
    { headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
