// One table from error code to HTTP status, and one function that turns any thrown error into a
// problem+json response. Unknown errors become a 500 that says nothing of the internals; the
// details go to the server log under the request's correlation id.
import type { ApplicationErrorCode } from "../application/errors";
import type { UserErrorCode } from "../domain/users/errors";
import { CodedError } from "../errors";
import type { EventStoreErrorCode } from "../eventstore/errors";
import { logger } from "../observability/logger";
import type { ProjectionErrorCode } from "../projections/rebuild";
import { problemResponse, problemType, type ProblemDetails } from "./problem";

/** The codes the HTTP edge raises itself, and those problemFor gives to errors it does not know. */
type HttpErrorCode =
  | "validation_failed"
  | "malformed_json"
  | "request_aborted"
  | "unauthenticated"
  | "csrf_failed"
  | "forbidden"
  | "insufficient_scope"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "database_unavailable"
  | "internal_error";

/** Every code an answer can carry, layer by layer: the error table must have each, and only these. */
export type ErrorCode =
  UserErrorCode | EventStoreErrorCode | ProjectionErrorCode | ApplicationErrorCode | HttpErrorCode;

/** An error raised at the HTTP edge (bad header, body too large…), with its status. */
export class HttpError extends CodedError<ErrorCode> {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpError";
  }
}

export const errorTable = {
  validation_failed: { status: 400, title: "Your request is not valid" },
  invalid_argument: { status: 400, title: "Your request is not valid" },
  malformed_json: { status: 400, title: "The request body is not valid JSON" },
  request_aborted: { status: 400, title: "The request was aborted before its body arrived" },
  unknown_position: { status: 400, title: "No event at that position" },
  unauthenticated: { status: 401, title: "Sign in first" },
  invalid_credentials: { status: 401, title: "Wrong email or password" },
  csrf_failed: { status: 403, title: "Request refused: cross-site request forgery protection" },
  forbidden: { status: 403, title: "Not allowed" },
  insufficient_scope: { status: 403, title: "The API token lacks the scope this needs" },
  user_not_found: { status: 404, title: "User not found" },
  token_not_found: { status: 404, title: "API token not found" },
  saved_report_not_found: { status: 404, title: "Saved report not found" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  user_already_registered: { status: 409, title: "User already registered" },
  user_deactivated: { status: 409, title: "User is deactivated" },
  user_forgotten: { status: 410, title: "User was forgotten" },
  effective_before_registration: { status: 409, title: "The change would take effect before the user was registered" },
  effective_history_conflict: {
    status: 409,
    title: "Backdated there, the change would break the user's later history",
  },
  email_taken: { status: 409, title: "Email already in use" },
  // The store's code, raised when a command kept losing its race: another write to the stream came first.
  wrong_expected_version: { status: 409, title: "Another change came first" },
  idempotent_request_in_progress: { status: 409, title: "The same request is still being processed" },
  rebuild_in_progress: { status: 409, title: "A rebuild is already under way" },
  saved_report_limit_reached: { status: 409, title: "Too many saved reports" },
  precondition_failed: { status: 412, title: "The user has changed since you read it" },
  payload_too_large: { status: 413, title: "Request body too large" },
  unsupported_media_type: { status: 415, title: "Send JSON" },
  idempotency_key_reused: { status: 422, title: "Idempotency key already used for another request" },
  too_many_attempts: { status: 429, title: "Too many attempts" },
  database_unavailable: { status: 503, title: "The database is unavailable" },
  internal_error: { status: 500, title: "Something went wrong on our side" },
} as const satisfies Record<ErrorCode, { status: number; title: string }>;

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(errorTable, code);
}

/**
 * The code of a known error. Read from the error rather than by `instanceof CodedError`: Next.js may
 * load a module once per route bundle, and an error made by another copy of the class is still ours.
 */
function codeOf(error: unknown): ErrorCode | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code } = error as Partial<CodedError>;
  return isErrorCode(code) ? code : undefined;
}

/** Extra members a known error contributes to its problem document. */
function extensionsOf(error: Error): Record<string, unknown> {
  const extensions: Record<string, unknown> = {};
  if (error instanceof HttpError) Object.assign(extensions, error.extensions);
  if ("problems" in error && Array.isArray(error.problems)) extensions.errors = error.problems;
  if ("retryAfterSeconds" in error && typeof error.retryAfterSeconds === "number")
    extensions.retryAfterSeconds = error.retryAfterSeconds;
  if ("actualVersion" in error && typeof error.actualVersion === "number")
    extensions.currentVersion = error.actualVersion;
  return extensions;
}

// Connection-level failures: the database is down or restarting, not a bug of ours.
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "08006",
  "08001",
  "08003",
]);

function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && unavailableCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message);
}

export function problemFor(error: unknown, correlationId: string): Response {
  const code = codeOf(error);
  if (error instanceof Error && code !== undefined) {
    const { status, title } = errorTable[code];
    if (code === "request_aborted")
      logger().info({ correlationId, reason: String(error.cause) }, "request aborted by the client");
    const problem: ProblemDetails = {
      type: problemType(code),
      title,
      status,
      detail: error.message,
      ...extensionsOf(error),
      correlationId,
    };
    const headers = error instanceof HttpError ? { ...error.headers } : {};
    if (typeof problem.retryAfterSeconds === "number") headers["retry-after"] = String(problem.retryAfterSeconds);
    return problemResponse(problem, headers);
  }
  if (isDatabaseUnavailable(error)) {
    logger().warn({ correlationId, err: error }, "database unavailable");
    const { status, title } = errorTable.database_unavailable;
    return problemResponse(
      {
        type: problemType("database_unavailable"),
        title,
        status,
        detail: "Try again in a few seconds.",
        correlationId,
      },
      { "retry-after": "2" },
    );
  }
  logger().error({ correlationId, err: error }, "unexpected error");
  const { status, title } = errorTable.internal_error;
  return problemResponse({
    type: problemType("internal_error"),
    title,
    status,
    detail: `The error was logged with correlation id ${correlationId}.`,
    correlationId,
  });
}
