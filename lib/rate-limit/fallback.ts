import type { MemoryRateLimiter, RateLimitDecision, RateLimiter } from "./limiter";
import { DeadlineExceededError, withDeadline } from "@/lib/redis/deadline";
import type { LimitSpec } from "./policy";

export interface FallbackOptions {
  /** How long a Redis check may take before the in-process limiter answers instead (lib/redis/deadline.ts). */
  timeoutMs?: number;
  /** After a failure, how long to use the in-process limiter before trying Redis again. */
  retryAfterMs?: number;
  /** One line when Redis becomes unreachable and one when it answers again. */
  log?: (message: string) => void;
  now?: () => number;
}

export const REDIS_TIMEOUT_MS = 1_000;
export const REDIS_RETRY_AFTER_MS = 5_000;

/**
 * What happens when Redis is unreachable (decision 0011): the request is limited by the
 * in-process limiter instead — never refused because of the outage, never let through
 * unlimited. A Redis check gets `timeoutMs`; after a failure the in-process limiter alone
 * answers for `retryAfterMs`, then one request at a time probes Redis again. The outage is
 * logged once when it starts and once when it ends, not per request.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly name: string;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private down = false;
  private skipUntil = 0;
  private probing = false;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: MemoryRateLimiter,
    options: FallbackOptions = {},
  ) {
    this.name = `${primary.name}+memory`;
    this.timeoutMs = options.timeoutMs ?? REDIS_TIMEOUT_MS;
    this.retryAfterMs = options.retryAfterMs ?? REDIS_RETRY_AFTER_MS;
    this.log = options.log ?? ((message) => console.warn(message));
    this.now = options.now ?? Date.now;
  }

  /** Whether the in-process limiter is answering because Redis failed. */
  get degraded(): boolean {
    return this.down;
  }

  async check(identifier: string, spec: LimitSpec): Promise<RateLimitDecision> {
    if (this.down && (this.probing || this.now() < this.skipUntil)) return this.local(identifier, spec);
    const probe = this.down;
    if (probe) this.probing = true;
    try {
      const decision = await withDeadline(this.primary.check(identifier, spec), this.timeoutMs);
      if (this.down) {
        this.down = false;
        this.log(`[rate-limit] ${this.primary.name} answers again; limits are shared across processes again`);
      }
      return decision;
    } catch (error) {
      this.skipUntil = this.now() + this.retryAfterMs;
      if (!this.down) {
        this.down = true;
        const reason = error instanceof DeadlineExceededError ? error.message : describe(error);
        this.log(
          `[rate-limit] ${this.primary.name} unreachable (${reason}); limiting in process until it answers ` +
            `(retrying every ${this.retryAfterMs / 1000} s)`,
        );
      }
      return this.local(identifier, spec);
    } finally {
      if (probe) this.probing = false;
    }
  }

  private local(identifier: string, spec: LimitSpec): RateLimitDecision {
    return { ...this.fallback.checkNow(identifier, spec), store: "memory-fallback" };
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Never echo a URL's credentials into the log.
  return message.replace(/\/\/[^@\s/]*@/g, "//***@").slice(0, 200);
}
