// GET /api/reports/activity — registrations, renames, email changes and deactivations per day, week or month (JSON or CSV)
import { activityCsv, activityReport } from "@/lib/application/reports/activity-report";
import { reportFreshness } from "@/lib/application/reports/freshness";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { activityQuery } from "@/lib/validation/reports";

export const GET = route("read", async (request) => {
  const query = parseQuery(request, activityQuery);
  const report = await activityReport(query);
  if (query.format === "csv") {
    return new Response(`\uFEFF${activityCsv(report.points)}`, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="activity-${query.bucket}-${query.from}-${query.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  return Response.json(
    {
      window: { from: query.from, to: query.to },
      bucket: query.bucket,
      asOf: query.asOf?.toISOString() ?? null,
      ...report,
      freshness: await reportFreshness("activity_daily"),
    },
    { headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
