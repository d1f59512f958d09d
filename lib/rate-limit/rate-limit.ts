import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { RateLimitedError } from "@/lib/http/errors";
import { TENANT_ID_HEADER } from "@/lib/tenancy/resolver";
import { FallbackRateLimiter } from "./fallback";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "./limiter";
import { type LimitSpec, rateLimitScaleFromEnv, rateLimitsFor } from "./policy";
import { rateLimitRedisFromEnv } from "./redis";
import { UpstashRateLimiter } from "./upstash";

/**
 * Per-tenant rate limits for the tenant API (lib/http/tenant-route.ts calls
 * enforceRateLimit after authenticating): the workspace's budget, and an API key's own
 * budget when the caller used one. Limits by plan tier in ./policy.ts; store: Redis when
 * configured (shared by all server processes), else in process.
 */

/**
 * Which budget a decision is about: the workspace's or the API key's 10-second budget, or
 * the one-second cap on spending it (`…_burst`, lib/rate-limit/policy.ts).
 */
export type RateLimitScope = "tenant" | "api_key" | "tenant_burst" | "api_key_burst";

export interface RateLimitSubject {
  tenantId: string;
  tier: string;
  /** The API key the request authenticated with, if any. */
  apiKeyId?: string | null;
  /** credentialKey() of the request (proxy.ts passes it on): a refusal is remembered under it for the request gate. */
  credential?: string | null;
}

export interface ScopedDecision extends RateLimitDecision {
  scope: RateLimitScope;
}

export const tenantIdentifier = (tenantId: string) => `tenant:${tenantId}`;
export const apiKeyIdentifier = (tenantId: string, apiKeyId: string) => `key:${tenantId}:${apiKeyId}`;

/**
 * Counts the request against the API key's budget (if any), then the workspace's; each
 * budget's one-second burst cap is checked before the budget itself, so calls refused for
 * coming too fast do not use the budget. A request the key refuses does not use the
 * workspace's budget, so a runaway key does not lock out the workspace's other callers.
 * Throws RateLimitedError (429) at the first refusal; otherwise returns the decision of the
 * 10-second budget that runs out first, for the headers.
 */
export async function enforceRateLimit(
  subject: RateLimitSubject,
  options: { limiter?: RateLimiter; scale?: number } = {},
): Promise<ScopedDecision> {
  const limiter = options.limiter ?? processRateLimiter();
  const limits = rateLimitsFor(subject.tier, options.scale ?? processRateLimitScale());
  const tenant = tenantIdentifier(subject.tenantId);
  const key = subject.apiKeyId ? apiKeyIdentifier(subject.tenantId, subject.apiKeyId) : null;
  const checks: [RateLimitScope, string | null, LimitSpec | null][] = [
    ["api_key_burst", key, limits.apiKeyBurst],
    ["api_key", key, limits.apiKey],
    ["tenant_burst", tenant, limits.tenantBurst],
    ["tenant", tenant, limits.tenant],
  ];
  let tightest: ScopedDecision | null = null;
  let usedUp: { decision: ScopedDecision; identifier: string } | null = null;
  for (const [scope, identifier, spec] of checks) {
    if (!identifier || !spec) continue;
    const decision: ScopedDecision = { ...(await limiter.check(identifier, spec)), scope };
    if (!decision.allowed) throw refusal(decision, identifier, subject.credential);
    usedUp ??= decision.remaining === 0 ? { decision, identifier } : null;
    const isBudget = scope === "tenant" || scope === "api_key";
    if (isBudget && (!tightest || decision.remaining <= tightest.remaining)) tightest = decision;
  }
  // This call took a budget's last slot: the next one would be refused, so it is remembered
  // as refused already (a flooding client's next calls never reach the limiter).
  if (usedUp) remember(usedUp.decision, usedUp.identifier, subject.credential);
  else allowed(subject.credential);
  return tightest!;
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
 * no API-key or session check, no limiter round trip, not even Next's router. So a refusal
 * is remembered in process, and the request gate in front of Next (./request-gate.ts,
 * server.mjs) answers the refused credential's next calls with the same 429 itself.
 *
 * What is remembered is the refused BUDGET (the workspace's or a key's, or its burst cap),
 * and which credentials it refused (credentialKey: host, X-Tenant-ID and the Authorization
 * or Cookie header, hashed). Every credential of a refused budget is answered from memory
 * for about the time in which the sliding window frees one call (window ÷ limit: 100 ms for
 * 100 calls per 10 s; never past the window's end); then ONE call — whichever credential
 * comes first — goes through to find out whether there is room again, and the others keep
 * getting the 429 for at most PROBE_MS meanwhile. The probe's outcome renews the refusal or
 * forgets it (enforceRateLimit). Per budget rather than per credential: a workspace
 * flooding with four keys sends one probe per freed call, not four.
 *
 * Remembering a refusal until the fixed window's end instead starved the limiter of a whole
 * window's calls, so the next window's weighted count was zero and the flooding client got
 * its entire budget in one burst at that boundary (bench/noisy-neighbour.ts).
 * Only credentials that were verified and then refused get here, so nobody can get someone
 * else's calls refused; an unknown or forged credential still gets its 401.
 */
interface RememberedRefusal {
  decision: ScopedDecision;
  /** Until when calls are answered from memory, before the next probe. */
  until: number;
  /** While a probe call is under way: until when the others are still refused. */
  probeUntil: number;
  /**
   * The last 429 given from memory, reused while its Retry-After still holds: a flooding
   * client gets hundreds a second, and a fresh error (with its stack) for each was most of
   * what the gate allocated — garbage that made the neighbours' calls wait for the GC.
   */
  answer?: { resetAt: number; retryAfter: number; error: RateLimitedError };
}

interface RefusalMemory {
  /** Refused budgets, by scope and identifier. */
  budgets: LRUCache<string, RememberedRefusal>;
  /** Refused credentials → the budget that refused them. */
  credentials: LRUCache<string, string>;
}

export const PROBE_MS = 1_000;

function refusalMemory(): RefusalMemory {
  // On globalThis: the request gate, the proxy and every route bundle of the process share one memory.
  const holder = globalThis as typeof globalThis & { __logiRateLimitRefusals?: RefusalMemory };
  holder.__logiRateLimitRefusals ??= {
    budgets: new LRUCache({ max: 10_000 }),
    credentials: new LRUCache({ max: 50_000 }),
  };
  return holder.__logiRateLimitRefusals;
}

/** What credentialKey reads: the Fetch API's Headers, or a wrapper around Node's raw headers. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * The credential of a tenant API request as an opaque key (null without one): the host,
 * X-Tenant-ID and the Authorization header (else the Cookie header), hashed. Only the raw
 * request goes in, so the request gate (lib/rate-limit/request-gate.ts) can compute it
 * before anything is resolved; proxy.ts computes it before stripping X-Tenant-ID and hands
 * it to the route as CREDENTIAL_KEY_HEADER.
 */
export function credentialKey(headers: HeaderReader): string | null {
  const credential = headers.get("authorization") ?? headers.get("cookie");
  const host = headers.get("host");
  if (!credential || !host) return null;
  return createHash("sha256")
    .update(`${host.toLowerCase()}\n${headers.get(TENANT_ID_HEADER) ?? ""}\n${credential}`)
    .digest("base64url");
}

/**
 * Where a credential stands with the rate limit, from memory alone:
 * - `refused`: a budget refused it moments ago; answer with this 429;
 * - `probe`: it was refused, the pause is over, and this call is the one that finds out
 *   whether there is room again (the request gate lets it yield to other workspaces' calls);
 * - `clear`: nothing remembered; the limiter decides as usual.
 */
export type RateLimitStanding = { kind: "refused"; error: RateLimitedError } | { kind: "probe" } | { kind: "clear" };

export function rateLimitStanding(credential: string | null, now = Date.now()): RateLimitStanding {
  if (!credential) return CLEAR;
  const memory = refusalMemory();
  const budget = memory.credentials.get(credential);
  const remembered = budget === undefined ? undefined : memory.budgets.get(budget);
  if (!remembered) return CLEAR;
  if (now < remembered.until)
    return { kind: "refused", error: rememberedAnswer(remembered, remembered.decision.resetAt, now) };
  if (now < remembered.probeUntil)
    return { kind: "refused", error: rememberedAnswer(remembered, remembered.probeUntil, now) };
  remembered.probeUntil = now + PROBE_MS;
  return PROBE;
}

/** The remembered refusal's 429 with the window ending at `resetAt`: the same error while its Retry-After holds. */
function rememberedAnswer(remembered: RememberedRefusal, resetAt: number, now: number): RateLimitedError {
  const decision = resetAt === remembered.decision.resetAt ? remembered.decision : { ...remembered.decision, resetAt };
  const retryAfter = retryAfterSeconds(decision, now);
  const answer = remembered.answer;
  if (answer && answer.resetAt === resetAt && answer.retryAfter === retryAfter) return answer.error;
  const error = rateLimitedError(decision, now);
  remembered.answer = { resetAt, retryAfter, error };
  return error;
}

const CLEAR: RateLimitStanding = { kind: "clear" };
const PROBE: RateLimitStanding = { kind: "probe" };

/** Until when a refusal is answered from memory: about the time a sliding window of `limit` calls frees one. */
function refusalMemoryUntil(decision: ScopedDecision): number {
  const spacing = Math.ceil(decision.windowMs / Math.max(1, decision.limit));
  return Math.min(decision.resetAt, decision.decidedAt + Math.max(MIN_REFUSAL_MEMORY_MS, spacing));
}

const MIN_REFUSAL_MEMORY_MS = 50;

function refusal(
  decision: ScopedDecision,
  identifier: string,
  credential: string | null | undefined,
): RateLimitedError {
  remember(decision, identifier, credential);
  return rateLimitedError(decision);
}

function remember(decision: ScopedDecision, identifier: string, credential: string | null | undefined): void {
  if (!credential) return;
  const memory = refusalMemory();
  const budget = `${decision.scope}|${identifier}`;
  memory.budgets.set(budget, { decision, until: refusalMemoryUntil(decision), probeUntil: 0 });
  memory.credentials.set(credential, budget);
}

/** The call passed: its credential, and the budget that had refused it, have room again. */
function allowed(credential: string | null | undefined): void {
  if (!credential) return;
  const memory = refusalMemory();
  const budget = memory.credentials.get(credential);
  if (budget === undefined) return;
  memory.credentials.delete(credential);
  memory.budgets.delete(budget);
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
