/**
 * Per-tenant rate limits by plan tier: the one table (docs/rate-limits.md repeats it).
 * Every authenticated tenant API request counts against its workspace's budget; a request
 * made with an API key also counts against that key's own, smaller budget, so one runaway
 * integration cannot use up what the workspace's other callers need. Both apply: the
 * request passes only when both have room.
 *
 * Windows are sliding (a weighted previous window plus the current one), 10 seconds long:
 * short enough to stop a burst quickly, long enough that a page firing a handful of calls
 * at once never notices. The monthly API-call quota (table 16.3) is a separate, slower
 * limit kept by lib/quotas.
 */

export interface LimitSpec {
  /** Requests allowed per window. */
  readonly requests: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
}

/** The 10-second budgets of a tier (the table below). */
export interface TierWindows {
  /** The whole workspace: every caller, session or API key. */
  readonly tenant: LimitSpec;
  /** Each API key on its own (only API-key requests). */
  readonly apiKey: LimitSpec;
}

/** A tier's budgets and, for each, the most of it that may be spent in one second (null: no such cap). */
export interface TierRateLimits extends TierWindows {
  readonly tenantBurst: LimitSpec | null;
  readonly apiKeyBurst: LimitSpec | null;
}

export const RATE_LIMIT_WINDOW_MS = 10_000;

const window = (requests: number): LimitSpec => ({ requests, windowMs: RATE_LIMIT_WINDOW_MS });

/** Requests per 10 s: workspace / each API key. Free has no API access; its key row is never used. */
export const RATE_LIMITS = {
  free: { tenant: window(20), apiKey: window(10) },
  standard: { tenant: window(50), apiKey: window(25) },
  professional: { tenant: window(100), apiKey: window(50) },
  business: { tenant: window(250), apiKey: window(125) },
  enterprise: { tenant: window(500), apiKey: window(250) },
} as const satisfies Record<string, TierWindows>;

/**
 * Bursts: at most BURST_SHARE of a budget in any one second, but never fewer than MIN_BURST
 * calls (so a page or a script firing a few dozen calls at once is never slowed). Without
 * this cap a client whose budget is whole could spend all of it at once — 100 full calls
 * in a few milliseconds on Professional — and the server's other workspaces would wait for
 * that burst (bench/noisy-neighbour.ts). The budget per 10 s is unchanged; only how fast it
 * can be spent is. A budget of MIN_BURST or less has no separate burst cap.
 */
export const BURST_WINDOW_MS = 1_000;
export const BURST_SHARE = 0.2;
export const MIN_BURST = 20;

export function burstOf(spec: LimitSpec): LimitSpec | null {
  const requests = Math.max(MIN_BURST, Math.ceil(spec.requests * BURST_SHARE));
  return requests < spec.requests ? { requests, windowMs: BURST_WINDOW_MS } : null;
}

export type RateLimitTier = keyof typeof RATE_LIMITS;

export function isRateLimitTier(value: string): value is RateLimitTier {
  return Object.hasOwn(RATE_LIMITS, value);
}

/**
 * The limits of a tier, times `scale` (RATE_LIMIT_SCALE, default 1: a deployment on bigger
 * hardware, or a test server that floods the demo tenants on purpose, may raise every
 * limit at once). An unknown tier gets the smallest (Free) limits, never none.
 */
export function rateLimitsFor(tier: string, scale = 1): TierRateLimits {
  const base = isRateLimitTier(tier) ? RATE_LIMITS[tier] : RATE_LIMITS.free;
  const scaled = (spec: LimitSpec): LimitSpec =>
    scale === 1 ? spec : { requests: Math.max(1, Math.round(spec.requests * scale)), windowMs: spec.windowMs };
  const tenant = scaled(base.tenant);
  const apiKey = scaled(base.apiKey);
  return { tenant, apiKey, tenantBurst: burstOf(tenant), apiKeyBurst: burstOf(apiKey) };
}

/** RATE_LIMIT_SCALE as a positive number; anything else (unset, 0, text) is 1. */
export function rateLimitScaleFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const scale = Number(env.RATE_LIMIT_SCALE);
  return env.RATE_LIMIT_SCALE && Number.isFinite(scale) && scale > 0 ? scale : 1;
}
