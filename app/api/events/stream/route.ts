// GET /api/events/stream — Server-Sent Events: every event after a position (Last-Event-ID, ?after=,
// or ?from=now), then new ones as they are appended; each message's id is its position. The stream
// ends when the token or session it was opened with is revoked, signed out or expires.
import { checkFeedPosition, followEventsWhileAuthorized, headPosition } from "@/lib/application/event-feed";
import { parseQuery, validationError } from "@/lib/http/request";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";
import { logger } from "@/lib/observability/logger";
import { metrics } from "@/lib/observability/metrics";
import { eventStreamQuery } from "@/lib/validation/users";

const heartbeatMs = 15_000;

export const GET = route("read", async (request, _params, { principal }) => {
  const query = parseQuery(request, eventStreamQuery);
  const lastEventId = request.headers.get("last-event-id");
  if (lastEventId !== null && !/^\d{1,15}$/.test(lastEventId.trim())) {
    throw validationError([{ path: "header Last-Event-ID", message: "Must be a position this stream sent" }]);
  }
  const after = lastEventId !== null ? Number(lastEventId) : query.from === "now" ? await headPosition() : query.after;
  await checkFeedPosition(after);

  const encoder = new TextEncoder();
  const stopped = new AbortController();
  request.signal.addEventListener("abort", () => stopped.abort(), { once: true });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stopped.abort();
        }
      };
      send(`retry: 2000\n: following events after ${after}\n\n`);
      metrics().sseClients.inc();
      const heartbeat = setInterval(() => send(": keep-alive\n\n"), heartbeatMs);
      try {
        for await (const events of followEventsWhileAuthorized(principal, after, stopped.signal)) {
          for (const event of events)
            send(`id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        }
      } catch (error) {
        logger().error({ err: error }, "event stream stopped");
      } finally {
        clearInterval(heartbeat);
        metrics().sseClients.dec();
        try {
          controller.close();
        } catch {
          // Already closed: the client went away first.
        }
      }
    },
    cancel() {
      stopped.abort();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps the server's compression from buffering the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
