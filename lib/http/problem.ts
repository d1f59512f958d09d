import { ZodError } from "zod";
import { DomainError, QuotaExceededError, RateLimitedError, ValidationError, type FieldIssue } from "./errors";

/** RFC 9457 problem details; `type` is a stable URI per error kind. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

const TYPE_BASE = "https://logiaccounting.dev/problems/";

export function problem(status: number, type: string, detail: string, extra: Record<string, unknown> = {}): Problem {
  return { type: `${TYPE_BASE}${type}`, title: TITLES[status] ?? "Error", status, detail, ...extra };
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
};

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.join(".") || "(body)", message: issue.message }));
}

/** Maps any thrown value to a problem; unknown errors become a 500 without internals. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ZodError) error = new ValidationError(zodIssues(error));
  if (error instanceof ValidationError) {
    return problem(422, error.type, error.message, { errors: error.issues });
  }
  if (error instanceof DomainError) return problem(error.status, error.type, error.message, error.extensions);
  return problem(500, "internal", "Something went wrong on our side. The error was logged.");
}

/** A thrown value as the parts of its HTTP answer (status, headers, JSON body). */
export function problemParts(error: unknown): { status: number; headers: Record<string, string>; body: string } {
  const body = toProblem(error);
  if (body.status >= 500) console.error("[http] unhandled error", error);
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (error instanceof RateLimitedError) {
    headers["retry-after"] = String(error.retryAfterSeconds);
    Object.assign(headers, error.headers);
  }
  if (error instanceof QuotaExceededError && error.retryAfterSeconds !== undefined)
    headers["retry-after"] = String(error.retryAfterSeconds);
  return { status: body.status, headers, body: JSON.stringify(body) };
}

export function problemResponse(error: unknown): Response {
  const { status, headers, body } = problemParts(error);
  return new Response(body, { status, headers });
}
