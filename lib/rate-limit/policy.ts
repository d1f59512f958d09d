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

export interface TierRateLimits {
  /** The whole workspace: every caller, session or API key. */
  readonly tenant: LimitSpec;
  /** Each API key on its own (only API-key requests). */
  readonly apiKey: LimitSpec;
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
} as const satisfies Record<string, TierRateLimits>;

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
  if (scale === 1) return base;
  const scaled = (spec: LimitSpec): LimitSpec => ({
    requests: Math.max(1, Math.round(spec.requests * scale)),
    windowMs: spec.windowMs,
  });
  return { tenant: scaled(base.tenant), apiKey: scaled(base.apiKey) };
}

/** RATE_LIMIT_SCALE as a positive number; anything else (unset, 0, text) is 1. */
export function rateLimitScaleFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const scale = Number(env.RATE_LIMIT_SCALE);
  return env.RATE_LIMIT_SCALE && Number.isFinite(scale) && scale > 0 ? scale : 1;
}
