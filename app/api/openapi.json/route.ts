// GET /api/openapi.json — the OpenAPI 3.1 document of this API, generated from the handlers' zod schemas
import { otherMethodsNotAllowed, publicRoute } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/openapi/document";

export const GET = publicRoute(async () =>
  Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethodsNotAllowed({ GET });
