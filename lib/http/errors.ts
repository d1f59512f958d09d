/**
 * Typed domain errors. Services throw these; lib/http/problem.ts maps them to HTTP
 * problem+json responses in one place, so no handler invents its own status codes.
 */

export interface FieldIssue {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly type: string;
  readonly extensions: Record<string, unknown> = {};
}

export class ValidationError extends DomainError {
  readonly status = 422;
  readonly type = "validation";
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; ") || "Invalid input");
    this.name = "ValidationError";
  }
}

export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  readonly type = "unauthenticated";
  constructor(message = "Sign in to continue") {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly type = "forbidden";
  constructor(message = "You do not have permission to do this") {
    super(message);
  }
}

export class FeatureNotAvailableError extends DomainError {
  readonly status = 403;
  readonly type = "feature-not-available";
  constructor(readonly feature: string) {
    super(`The ${feature} feature is not part of this workspace's plan`);
    this.extensions.feature = feature;
  }
}

/** Also what another tenant's ids answer: indistinguishable from a missing row. */
export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly type = "not-found";
  constructor(what = "Resource") {
    super(`${what} not found`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly type = "conflict";
  constructor(message: string, field?: string) {
    super(message);
    if (field) this.extensions.field = field;
  }
}

export class TenantSuspendedError extends DomainError {
  readonly status = 403;
  readonly type = "tenant-suspended";
  constructor() {
    super("This workspace is suspended");
  }
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly type = "rate-limited";
  constructor(readonly retryAfterSeconds: number) {
    super("Too many requests; try again later");
    this.extensions.retryAfter = retryAfterSeconds;
  }
}
