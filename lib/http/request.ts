// Reading what a request says, safely: headers, query and body, each checked before use.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { actorOf, type Principal } from "../application/auth/principal";
import type { FieldProblem } from "../errors";
import { HttpError } from "./errors";

export const maxBodyBytes = 64 * 1024;

export function zodProblems(error: z.ZodError, prefix = ""): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(body)",
    message: issue.message,
  }));
}

export function validationError(problems: FieldProblem[], detail?: string): HttpError {
  return new HttpError("validation_failed", detail ?? problems.map((p) => `${p.path}: ${p.message}`).join("; "), {
    errors: problems,
  });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix = ""): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(zodProblems(result.error, prefix));
  return result.data;
}

/** Query parameters as an object; a parameter given twice is refused rather than guessed at. */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.output<T> {
  const params = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(query, key)) throw validationError([{ path: key, message: "Give this parameter once" }]);
    query[key] = value;
  }
  return parseWith(schema, query);
}

function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

async function readLimited(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBodyBytes) {
    throw new HttpError("payload_too_large", `The body may be at most ${maxBodyBytes} bytes`);
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      // The client hung up (or the connection broke) before its body was whole: its doing, not ours
      // nor the database's, and nobody is left to read the answer.
      throw new HttpError(
        "request_aborted",
        "The request was aborted while its body was being sent",
        {},
        {},
        { cause: error },
      );
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => {});
      throw new HttpError("payload_too_large", `The body may be at most ${maxBodyBytes} bytes`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpError("malformed_json", "The body is not valid UTF-8");
  }
}

/**
 * The JSON body, validated by `schema`. `optional` bodies may be empty (commands without fields).
 * Wrong media type → 415, too large → 413, not JSON → 400, not the schema → 400 with every problem.
 */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  { optional = false } = {},
): Promise<z.output<T>> {
  const text = await readLimitedIfAny(request, optional);
  if (text === undefined) return parseWith(schema, {});
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError("malformed_json", `The body is not valid JSON: ${(error as Error).message}`);
  }
  return parseWith(schema, value);
}

/** The body's text, or undefined for an empty body where one is optional. */
async function readLimitedIfAny(request: Request, optional: boolean): Promise<string | undefined> {
  const contentType = request.headers.get("content-type");
  // An optional body may be sent empty without a content type; anything else must say it is JSON.
  if (!(optional && !contentType) && !isJsonContentType(contentType)) {
    throw new HttpError("unsupported_media_type", "Send the body as application/json");
  }
  const text = await readLimited(request);
  if (optional && text.trim() === "") return undefined;
  if (!contentType) throw new HttpError("unsupported_media_type", "Send the body as application/json");
  return text;
}

const headerToken = /^[\x21-\x7e][\x20-\x7e]{0,199}$/;

function optionalHeader(request: Request, name: string): string | undefined {
  const value = request.headers.get(name)?.trim();
  if (value === undefined || value === "") return undefined;
  if (!headerToken.test(value)) {
    throw validationError([{ path: `header ${name}`, message: "Must be 1 to 200 printable ASCII characters" }]);
  }
  return value;
}

export interface RequestMetadata {
  actor: string;
  correlationId: string;
}

/** Who is asking (the signed-in admin or the API token) and the correlation id to record. */
export function requestMetadata(context: { principal: Principal; correlationId: string }): RequestMetadata {
  return { actor: actorOf(context.principal), correlationId: context.correlationId };
}

// A correlation id is kept for ever (in every event's metadata, in the logs): only a short token
// passes — a UUID, a trace id — never free text that could carry personal data.
export const correlationIdPattern = /^[A-Za-z0-9._:-]{1,64}$/;

/** The client's X-Correlation-Id when it is such a token; otherwise a new one. */
export function correlationIdOf(request: Request): string {
  const given = request.headers.get("x-correlation-id")?.trim();
  return given && correlationIdPattern.test(given) ? given : randomUUID();
}

export function idempotencyKeyOf(request: Request): string | undefined {
  return optionalHeader(request, "idempotency-key");
}

/** `If-Match: "3"` → 3. Absent → undefined. Anything else is refused. */
export function expectedVersionFromIfMatch(request: Request): number | undefined {
  const header = request.headers.get("if-match")?.trim();
  if (header === undefined || header === "") return undefined;
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header);
  if (!match) {
    throw validationError([{ path: "header If-Match", message: 'Must be an ETag this API returned, like "3"' }]);
  }
  return Number(match[1]);
}

export const etagOf = (version: number) => `"${version}"`;

/** True when the client's If-None-Match already names `etag`: answer 304 Not Modified. */
export function clientHasCurrent(request: Request, etag: string): boolean {
  const header = request.headers.get("if-none-match");
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
