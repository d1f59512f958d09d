import { Ratelimit } from "@upstash/ratelimit";
import type { Redis as UpstashRedis } from "@upstash/redis";
import type { RateLimitDecision, RateLimiter } from "./limiter";
import type { LimitSpec } from "./policy";

export const DEFAULT_RATE_LIMIT_PREFIX = "logi:rl";

/**
 * @upstash/ratelimit's sliding window over Redis: one atomic Lua script per check, shared
 * by every server process. Each Ratelimit instance keeps an in-process cache of
 * identifiers it has refused until their window ends, so a client that keeps hammering
 * after its 429 costs no Redis round trip until then.
 */
export class UpstashRateLimiter implements RateLimiter {
  readonly name = "redis";
  private readonly limiters = new Map<string, Ratelimit>();

  private readonly prefix: string;
  private readonly onClose: () => Promise<void>;

  /** `onClose` releases the connection behind `redis` (when this limiter owns it). */
  constructor(
    private readonly redis: UpstashRedis,
    options: { prefix?: string; onClose?: () => Promise<void> } = {},
  ) {
    this.prefix = options.prefix ?? DEFAULT_RATE_LIMIT_PREFIX;
    this.onClose = options.onClose ?? (async () => undefined);
  }

  async check(identifier: string, spec: LimitSpec): Promise<RateLimitDecision> {
    const result = await this.limiterFor(spec).limit(identifier);
    return {
      allowed: result.success,
      limit: result.limit,
      remaining: result.remaining,
      resetAt: result.reset,
      store: this.name,
      decidedAt: Date.now(),
      windowMs: spec.windowMs,
    };
  }

  private limiterFor(spec: LimitSpec): Ratelimit {
    const id = `${spec.requests}/${spec.windowMs}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.redis,
        limiter: Ratelimit.slidingWindow(spec.requests, `${spec.windowMs} ms`),
        // Keyed by window length, not by limit: after a plan change the count carries over.
        prefix: `${this.prefix}:${spec.windowMs}`,
        // Timeouts are the caller's (FallbackRateLimiter): the library's own would let the
        // request through unlimited instead of falling back to the in-process limiter.
        timeout: 0,
        analytics: false,
        ephemeralCache: new Map(),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  async close(): Promise<void> {
    this.limiters.clear();
    await this.onClose();
  }
}
