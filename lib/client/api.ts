// The dashboard's way to call the API from the browser: JSON in, JSON out, problem+json turned
// into an ApiError that forms can show field by field.
import { z } from "zod";
import type { FieldProblem } from "../errors";

// zod probes for eval (`new Function`) to compile its parsers; our Content-Security-Policy forbids
// eval, and the browser reports the probe as a violation even though zod catches it.
if (typeof window !== "undefined") z.config({ jitless: true });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldProblems: FieldProblem[] = [],
    readonly currentVersion?: number,
    /** The problem's type URI (https://rewind.dev/problems/<code>), which names what went wrong. */
    readonly type?: string,
  ) {
    super(detail || title);
    this.name = "ApiError";
  }

  /** The message for one field, if the API reported one. */
  forField(path: string): string | undefined {
    return this.fieldProblems.find((problem) => problem.path === path)?.message;
  }
}

/**
 * A form's body as the API's own schema (lib/validation) reads it: what the server would refuse is
 * refused here, with the same messages, before any request; what it accepts is sent normalised.
 */
export function checkedBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
  throw new ApiError(
    400,
    "Your request is not valid",
    problems.map((problem) => `${problem.path}: ${problem.message}`).join("; "),
    problems,
  );
}

export interface ApiResult<T> {
  body: T;
  etag: string | null;
}

export async function apiFetch<T>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const method = init.method ?? "GET";
  // The session's CSRF token, which only our own pages can read, proves a change comes from them.
  if (method !== "GET") headers["x-csrf-token"] = readCookie("rewind_csrf") ?? "";
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, "Network error", "The server could not be reached. Check your connection and try again.");
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (response.status === 401 && typeof window !== "undefined" && !window.location.pathname.startsWith("/sign-in")) {
    // The session ended (expired, or signed out elsewhere): sign in again, then come back here.
    window.location.assign(`/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as {
      title?: string;
      detail?: string;
      errors?: FieldProblem[];
      currentVersion?: number;
      type?: string;
    };
    throw new ApiError(
      response.status,
      problem.title ?? response.statusText,
      problem.detail ?? "",
      problem.errors ?? [],
      problem.currentVersion,
      problem.type,
    );
  }
  return { body: parsed as T, etag: response.headers.get("etag") };
}

function readCookie(name: string): string | undefined {
  if (typeof document === "undefined") return undefined;
  return document.cookie
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}
