import { RateLimitedError } from "@/lib/http/errors";
import { FallbackRateLimiter } from "./fallback";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "./limiter";
import { rateLimitScaleFromEnv, rateLimitsFor } from "./policy";
import { rateLimitRedisFromEnv } from "./redis";
import { UpstashRateLimiter } from "./upstash";

/**
 * Per-tenant rate limits for the tenant API (lib/http/tenant-route.ts calls
 * enforceRateLimit after authenticating): the workspace's budget, and an API key's own
 * budget when the caller used one. Limits by plan tier in ./policy.ts; store: Redis when
 * configured (shared by all server processes), else in process.
 */

export type RateLimitScope = "tenant" | "api_key";

export interface RateLimitSubject {
  tenantId: string;
  tier: string;
  /** The API key the request authenticated with, if any. */
  apiKeyId?: string | null;
}

export interface ScopedDecision extends RateLimitDecision {
  scope: RateLimitScope;
}

export const tenantIdentifier = (tenantId: string) => `tenant:${tenantId}`;
export const apiKeyIdentifier = (tenantId: string, apiKeyId: string) => `key:${tenantId}:${apiKeyId}`;

/**
 * Counts the request against the API key's budget (if any), then the workspace's. A
 * request the key's budget refuses does not use the workspace's, so a runaway key does not
 * lock out the workspace's other callers. Throws RateLimitedError (429) when either budget
 * is used up; otherwise returns the decision whose budget runs out first, for the headers.
 */
export async function enforceRateLimit(
  subject: RateLimitSubject,
  options: { limiter?: RateLimiter; scale?: number } = {},
): Promise<ScopedDecision> {
  const limiter = options.limiter ?? processRateLimiter();
  const limits = rateLimitsFor(subject.tier, options.scale ?? processRateLimitScale());
  let keyDecision: ScopedDecision | null = null;
  if (subject.apiKeyId) {
    keyDecision = {
      ...(await limiter.check(apiKeyIdentifier(subject.tenantId, subject.apiKeyId), limits.apiKey)),
      scope: "api_key",
    };
    if (!keyDecision.allowed) throw rateLimitedError(keyDecision);
  }
  const tenantDecision: ScopedDecision = {
    ...(await limiter.check(tenantIdentifier(subject.tenantId), limits.tenant)),
    scope: "tenant",
  };
  if (!tenantDecision.allowed) throw rateLimitedError(tenantDecision);
  return keyDecision && keyDecision.remaining < tenantDecision.remaining ? keyDecision : tenantDecision;
}

/** Seconds until at least one request is allowed again (at least 1). */
export function retryAfterSeconds(decision: RateLimitDecision, now = Date.now()): number {
  return Math.max(1, Math.ceil((decision.resetAt - now) / 1000));
}

/**
 * X-RateLimit-Limit (requests per window), X-RateLimit-Remaining, X-RateLimit-Reset (Unix
 * time in seconds when the current window ends) and X-RateLimit-Scope (which budget:
 * `tenant` or `api_key`).
 */
export function rateLimitHeaders(decision: ScopedDecision): Record<string, string> {
  return {
    "x-ratelimit-limit": String(decision.limit),
    "x-ratelimit-remaining": String(decision.remaining),
    "x-ratelimit-reset": String(Math.ceil(decision.resetAt / 1000)),
    "x-ratelimit-scope": decision.scope,
  };
}

function rateLimitedError(decision: ScopedDecision): RateLimitedError {
  const error = new RateLimitedError(retryAfterSeconds(decision), rateLimitHeaders(decision));
  error.extensions.scope = decision.scope;
  error.extensions.limit = decision.limit;
  return error;
}

/** Adds the X-RateLimit-* headers to a response (a copy when its headers are immutable). */
export function withRateLimitHeaders(response: Response, decision: ScopedDecision | null): Response {
  if (!decision) return response;
  const headers = rateLimitHeaders(decision);
  try {
    for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
}

// ------------------------------------------------------------------ the process's limiter

const globalForRateLimit = globalThis as typeof globalThis & {
  __logiRateLimiter?: RateLimiter;
  __logiRateLimitScale?: number;
};

function processRateLimitScale(): number {
  globalForRateLimit.__logiRateLimitScale ??= rateLimitScaleFromEnv(process.env);
  return globalForRateLimit.__logiRateLimitScale;
}

/** The limiter the environment asks for (created once per process). */
export function processRateLimiter(): RateLimiter {
  globalForRateLimit.__logiRateLimiter ??= rateLimiterFromEnv(process.env);
  return globalForRateLimit.__logiRateLimiter;
}

/**
 * REDIS_URL or UPSTASH_REDIS_REST_URL + _TOKEN → @upstash/ratelimit on that Redis, falling
 * back to the in-process limiter while Redis is unreachable; neither → in process only.
 */
export function rateLimiterFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: { prefix?: string; log?: (message: string) => void } = {},
): RateLimiter {
  // Connection errors surface as failed checks, which the fallback logs once per outage.
  const redis = rateLimitRedisFromEnv(env, { onConnectionError: () => undefined });
  if (!redis) return new MemoryRateLimiter();
  const primary = new UpstashRateLimiter(redis.client, { prefix: options.prefix, onClose: () => redis.close() });
  return new FallbackRateLimiter(primary, new MemoryRateLimiter(), { log: options.log });
}

/** Replaces the process's limiter (tests, benches); null goes back to the environment's. */
export async function setProcessRateLimiter(limiter: RateLimiter | null): Promise<void> {
  const previous = globalForRateLimit.__logiRateLimiter;
  globalForRateLimit.__logiRateLimiter = limiter ?? undefined;
  if (previous && previous !== limiter) await previous.close();
}
