// GET /api/reports/cohorts — users by registration month, and the share still active 1, 2, 3… months later (JSON or CSV)
import { cohortCsv, cohortReport } from "@/lib/application/reports/cohort-report";
import { reportFreshness } from "@/lib/application/reports/freshness";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { cohortQuery } from "@/lib/validation/reports";

export const GET = route("read", async (request) => {
  const query = parseQuery(request, cohortQuery);
  const cohorts = await cohortReport(query);
  if (query.format === "csv") {
    return new Response(`\uFEFF${cohortCsv(cohorts)}`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="cohorts-${query.from}-${query.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return Response.json(
    {
      window: { from: query.from, to: query.to },
      asOf: query.asOf?.toISOString() ?? null,
      cohorts,
      freshness: await reportFreshness("cohorts"),
    },
    { headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
