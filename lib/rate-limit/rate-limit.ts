import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { RateLimitedError } from "@/lib/http/errors";
import { FallbackRateLimiter } from "./fallback";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "./limiter";
import { RATE_LIMIT_WINDOW_MS, rateLimitScaleFromEnv, rateLimitsFor } from "./policy";
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
  /** credentialKey() of the request: a refusal is remembered for recentRefusal (proxy.ts). */
  credential?: string | null;
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
    if (!keyDecision.allowed) throw refusal(keyDecision, subject.credential);
  }
  const tenantDecision: ScopedDecision = {
    ...(await limiter.check(tenantIdentifier(subject.tenantId), limits.tenant)),
    scope: "tenant",
  };
  if (!tenantDecision.allowed) throw refusal(tenantDecision, subject.credential);
  allowed(subject.credential);
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

// ------------------------------------------------------------------ refusals remembered

/**
 * A client that keeps calling after its 429 should cost almost nothing: no tenant lookup,
 * no API-key or session check, no limiter round trip. So a refusal is remembered per
 * credential (the workspace's host plus the Authorization header, or the Cookie header for
 * a session), in process, and proxy.ts answers that credential's calls with the same 429
 * (recentRefusal) for about the time in which the sliding window frees one call (window ÷
 * limit: 100 ms for 100 calls per 10 s; never past the window's end). Then ONE call goes
 * through to find out whether there is room again, and the others keep getting the 429 for
 * at most PROBE_MS meanwhile. The probe's outcome renews the refusal or forgets it
 * (enforceRateLimit). Remembering a refusal until the fixed window's end instead starved
 * the limiter of a whole window's calls, so the next window's weighted count was zero and
 * the flooding client got its entire budget in one burst at that boundary — which is what
 * hurt its neighbours (bench/noisy-neighbour.ts).
 * Only credentials that were verified and then refused get here, so nobody can get someone
 * else's calls refused; an unknown or forged credential still gets its 401.
 */
interface RememberedRefusal {
  decision: ScopedDecision;
  /** Until when calls are answered from memory, before the next probe. */
  until: number;
  /** While a probe call is under way: until when the others are still refused. */
  probeUntil: number;
}

export const PROBE_MS = 1_000;

function refusedCredentials(): LRUCache<string, RememberedRefusal> {
  // On globalThis: the proxy and every route bundle of the process share one memory.
  const holder = globalThis as typeof globalThis & {
    __logiRateLimitRefusals?: LRUCache<string, RememberedRefusal>;
  };
  holder.__logiRateLimitRefusals ??= new LRUCache({ max: 10_000 });
  return holder.__logiRateLimitRefusals;
}

/** The credential of a tenant API request as an opaque key (null without one). */
export function credentialKey(headers: Headers, tenantSlug: string | null): string | null {
  const credential = headers.get("authorization") ?? headers.get("cookie");
  if (!tenantSlug || !credential) return null;
  return createHash("sha256").update(`${tenantSlug}\n${credential}`).digest("base64url");
}

/**
 * The remembered 429 for this credential, or null when the call should go on: no refusal
 * remembered, or its window is over and this call is the one probe.
 */
export function recentRefusal(credential: string | null, now = Date.now()): RateLimitedError | null {
  if (!credential) return null;
  const remembered = refusedCredentials().get(credential);
  if (!remembered) return null;
  if (now < remembered.until) return rateLimitedError(remembered.decision, now);
  if (now < remembered.probeUntil)
    return rateLimitedError({ ...remembered.decision, resetAt: remembered.probeUntil }, now);
  remembered.probeUntil = now + PROBE_MS;
  return null;
}

/** Until when a refusal is answered from memory: about the time a sliding window of `limit` calls frees one. */
function refusalMemoryUntil(decision: ScopedDecision): number {
  const spacing = Math.ceil(RATE_LIMIT_WINDOW_MS / Math.max(1, decision.limit));
  return Math.min(decision.resetAt, decision.decidedAt + Math.max(MIN_REFUSAL_MEMORY_MS, spacing));
}

const MIN_REFUSAL_MEMORY_MS = 50;

function refusal(decision: ScopedDecision, credential: string | null | undefined): RateLimitedError {
  if (credential)
    refusedCredentials().set(credential, { decision, until: refusalMemoryUntil(decision), probeUntil: 0 });
  return rateLimitedError(decision);
}

function allowed(credential: string | null | undefined): void {
  if (credential) refusedCredentials().delete(credential);
}

function rateLimitedError(decision: ScopedDecision, now = Date.now()): RateLimitedError {
  const error = new RateLimitedError(retryAfterSeconds(decision, now), rateLimitHeaders(decision));
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
