// RFC 9457 problem details: every error response of the API has this shape.

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

export const problemContentType = "application/problem+json";

/** A problem's `type`: a URI per error code (validation_failed → …/validation-failed). */
export function problemType(code: string): string {
  return `https://rewind.dev/problems/${code.replaceAll("_", "-")}`;
}

export function problemResponse(problem: ProblemDetails, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: {
      ...Object.fromEntries(new Headers(headers)),
      "content-type": problemContentType,
      "cache-control": "no-store",
    },
  });
}
