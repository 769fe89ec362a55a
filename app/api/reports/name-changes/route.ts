// GET /api/reports/name-changes — users who changed their name in a window (JSON, or CSV streamed)
import {
  nameChangesCsvHeader,
  nameChangesPage,
  streamNameChangesCsv,
} from "@/lib/application/reports/name-changes-report";
import { reportFreshness } from "@/lib/application/reports/freshness";
import { parseQuery } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { logger } from "@/lib/observability/logger";
import { nameChangesQuery } from "@/lib/validation/reports";

export const GET = route("read", async (request) => {
  const query = parseQuery(request, nameChangesQuery);
  if (query.format === "csv") {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        // A byte-order mark, so that spreadsheet programs read the UTF-8 as UTF-8.
        controller.enqueue(encoder.encode(`\uFEFF${nameChangesCsvHeader.join(",")}\r\n`));
        try {
          await streamNameChangesCsv(query, (lines) => controller.enqueue(encoder.encode(lines)));
          controller.close();
        } catch (error) {
          logger().error({ err: error }, "name changes CSV export failed");
          controller.error(error);
        }
      },
    });
    const stamp = (query.asOf ?? new Date()).toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="name-changes-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  const [page, freshness] = await Promise.all([nameChangesPage(query), reportFreshness("name_changes")]);
  return Response.json(
    {
      basis: query.basis,
      window: { from: query.from.toISOString(), to: query.to.toISOString() },
      asOf: query.asOf?.toISOString() ?? null,
      sort: query.sort,
      order: query.order,
      page: query.page,
      limit: query.limit,
      total: page.total,
      items: page.items,
      freshness,
    },
    { headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
