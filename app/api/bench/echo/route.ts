// POST /api/bench/echo — the HTTP benchmark's baseline: parse a JSON body and answer, nothing else.
// Off (404) unless the server runs with REWIND_BENCH_ROUTES=1.
import { HttpError } from "@/lib/http/errors";
import { otherMethodsNotAllowed, route } from "@/lib/http/route";

export const POST = route("write", async (request) => {
  if (process.env.REWIND_BENCH_ROUTES !== "1") throw new HttpError("not_found", "No API route at /api/bench/echo");
  const body: unknown = await request.json();
  return Response.json({ received: body });
});

export const { GET, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ POST });
