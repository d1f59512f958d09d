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

/** The workspace requires two-step sign-in and the member has not set it up yet (docs/mfa.md). */
export class MfaEnrolmentRequiredError extends DomainError {
  readonly status = 403;
  readonly type = "mfa-enrolment-required";
  constructor() {
    super("This workspace requires two-step sign-in: set it up on the workspace's pages first");
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
  /** `headers`: response headers describing the limit (X-RateLimit-*, lib/rate-limit). */
  constructor(
    readonly retryAfterSeconds: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super("Too many requests; try again later");
    this.extensions.retryAfter = retryAfterSeconds;
  }
}

/**
 * A plan quota is used up (lib/quotas/quotas.ts). 403 `quota-exceeded` for records and
 * seats — retrying does not help until something is deleted or the plan is upgraded —
 * and 429 with Retry-After (the next reset) for the monthly API-call quota, which clients
 * already handle as "come back later". The problem names the quota, its limit and the
 * usage, and links the upgrade.
 */
export class QuotaExceededError extends DomainError {
  readonly status: 403 | 429;
  readonly type = "quota-exceeded";
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly quota: string,
    readonly limit: number,
    readonly used: number,
    options: { requested?: number; unit?: string; retryAfterSeconds?: number; upgradeUrl?: string } = {},
  ) {
    const unit = options.unit ?? quota.replace(/_/g, " ");
    super(
      `This workspace's plan allows ${limit.toLocaleString("en-US")} ${unit}, and ${used.toLocaleString("en-US")} are used. ` +
        "Upgrade the plan to raise the limit.",
    );
    this.status = options.retryAfterSeconds !== undefined ? 429 : 403;
    this.retryAfterSeconds = options.retryAfterSeconds;
    Object.assign(this.extensions, { quota, limit, used });
    if (options.requested !== undefined) this.extensions.requested = options.requested;
    if (options.retryAfterSeconds !== undefined) this.extensions.retryAfter = options.retryAfterSeconds;
    if (options.upgradeUrl) this.extensions.upgradeUrl = options.upgradeUrl;
  }
}

/**
 * An invitation that existed but can no longer be used (lib/team/invitations.ts): 410 with
 * the reason — it was accepted already, cancelled, or has expired. An unknown token, or one
 * of another workspace, is a plain 404 instead.
 */
export class InvitationUnavailableError extends DomainError {
  readonly status = 410;
  readonly type = "invitation-unavailable";
  constructor(readonly reason: "accepted" | "cancelled" | "expired") {
    super(
      reason === "expired"
        ? "This invitation has expired. Ask an admin of the workspace to send it again."
        : reason === "cancelled"
          ? "This invitation was cancelled."
          : "This invitation has already been used.",
    );
    this.extensions.reason = reason;
  }
}

/** The mail server refused or could not be reached: 502, nothing was sent. */
export class MailDeliveryError extends DomainError {
  readonly status = 502;
  readonly type = "mail-delivery-failed";
  constructor(what = "the e-mail") {
    super(`Could not send ${what}: the mail server did not accept it. Try again later.`);
  }
}
