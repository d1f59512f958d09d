import { LRUCache } from "lru-cache";
import type { LimitSpec } from "./policy";

/**
 * One interface, two stores: @upstash/ratelimit over Redis (shared by every server
 * process) and an in-process limiter with the same algorithm and the same answers (the
 * embedded default, and the fallback while Redis is unreachable).
 */

export interface RateLimitDecision {
  allowed: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests still allowed now (0 when refused). */
  remaining: number;
  /** Epoch ms at which the current window ends; by then at least one request is allowed again. */
  resetAt: number;
  /** Which store decided: "redis", "memory", or "memory-fallback" while Redis is unreachable. */
  store: string;
  /** Epoch ms of the decision, on the limiter's clock. */
  decidedAt: number;
  /** Length of the window the limit is counted over. */
  windowMs: number;
}

export interface RateLimiter {
  readonly name: string;
  /** Counts one request for `identifier` against `spec` and says whether it may pass. */
  check(identifier: string, spec: LimitSpec): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

interface WindowCounts {
  window: number;
  current: number;
  previous: number;
}

export interface MemoryRateLimiterOptions {
  /** Identifiers tracked at most (least recently used ones are forgotten first). */
  maxIdentifiers?: number;
  now?: () => number;
  name?: string;
}

/**
 * The sliding-window counter of @upstash/ratelimit's `slidingWindow`, in process: the
 * previous fixed window's count weighted by how much of it still overlaps the sliding
 * window, plus the current window's count. A refused request is not counted. Same numbers
 * as the Redis script, so switching stores changes nothing a client can see.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly name: string;
  private readonly counts: LRUCache<string, WindowCounts>;
  private readonly now: () => number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.name = options.name ?? "memory";
    this.now = options.now ?? Date.now;
    this.counts = new LRUCache({ max: options.maxIdentifiers ?? 100_000 });
  }

  async check(identifier: string, spec: LimitSpec): Promise<RateLimitDecision> {
    return this.checkNow(identifier, spec);
  }

  /** Synchronous form (the fallback path uses it so a Redis outage adds no extra tick). */
  checkNow(identifier: string, spec: LimitSpec): RateLimitDecision {
    const now = this.now();
    const window = Math.floor(now / spec.windowMs);
    // Keyed by window length, not by limit: after a plan change the count carries over.
    const key = `${identifier}:${spec.windowMs}`;
    const stored = this.counts.get(key);
    let counts: WindowCounts;
    if (!stored || stored.window < window - 1) counts = { window, current: 0, previous: 0 };
    else if (stored.window === window - 1) counts = { window, current: 0, previous: stored.current };
    else counts = stored;
    const overlap = 1 - (now % spec.windowMs) / spec.windowMs;
    const weightedPrevious = Math.floor(counts.previous * overlap);
    const resetAt = (window + 1) * spec.windowMs;
    if (weightedPrevious + counts.current >= spec.requests) {
      this.counts.set(key, counts);
      return {
        allowed: false,
        limit: spec.requests,
        remaining: 0,
        resetAt,
        store: this.name,
        decidedAt: now,
        windowMs: spec.windowMs,
      };
    }
    counts.current += 1;
    this.counts.set(key, counts);
    return {
      allowed: true,
      limit: spec.requests,
      remaining: Math.max(0, spec.requests - (counts.current + weightedPrevious)),
      resetAt,
      store: this.name,
      decidedAt: now,
      windowMs: spec.windowMs,
    };
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}
