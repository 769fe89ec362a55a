// Any /api path no route matches — a problem+json 404 rather than the HTML not-found page
import { HttpError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

const notFound = route<{ path: string[] }>("authenticated", async (request) => {
  throw new HttpError("not_found", `No API route at ${new URL(request.url).pathname}`);
});

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
