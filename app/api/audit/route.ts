// GET /api/audit?actor=&from=&to=&cursor=&limit=&format= — what admins and API tokens did, newest first (JSON pages, or CSV streamed)
import { auditCsvHeader, auditTrail, streamAuditCsv } from "@/lib/application/audit";
import { decodeLogCursor } from "@/lib/application/event-log";
import { csvLine } from "@/lib/application/reports/csv";
import { parseQuery, validationError } from "@/lib/http/request";
import { anyRead, otherMethodsNotAllowed, route } from "@/lib/http/route";
import { logger } from "@/lib/observability/logger";
import { auditQuery } from "@/lib/validation/audit";

export const GET = route(
  "admin",
  async (request) => {
    const { format, cursor, ...query } = parseQuery(request, auditQuery);
    if (format === "csv") {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          // A byte-order mark, so that spreadsheet programs read the UTF-8 as UTF-8.
          controller.enqueue(encoder.encode(`\uFEFF${csvLine(auditCsvHeader)}`));
          try {
            await streamAuditCsv(query, (lines) => controller.enqueue(encoder.encode(lines)));
            controller.close();
          } catch (error) {
            logger().error({ err: error }, "audit CSV export failed");
            controller.error(error);
          }
        },
      });
      return new Response(body, {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
          "cache-control": "no-store",
        },
      });
    }
    const after = cursor === undefined ? undefined : decodeLogCursor(cursor);
    if (cursor !== undefined && !after)
      throw validationError([{ path: "cursor", message: "Not a cursor this API returned" }]);
    return Response.json(await auditTrail({ ...query, after }), { headers: { "cache-control": "no-store" } });
  },
  { mayReadReplica: anyRead },
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
