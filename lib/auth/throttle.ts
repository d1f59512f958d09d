import { LRUCache } from "lru-cache";

/**
 * A fixed-window attempt counter for sign-in, per account and per IP, kept in process.
 * Bounded (LRU) so a flood of distinct keys cannot exhaust memory.
 */
export class AttemptThrottle {
  private readonly windows: LRUCache<string, { count: number; resetAt: number }>;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    maxKeys = 50_000,
  ) {
    this.windows = new LRUCache({ max: maxKeys });
  }

  /** Counts an attempt; returns the seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    const current = this.windows.get(key);
    if (!current || current.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      return 0;
    }
    current.count += 1;
    return current.count > this.limit ? Math.ceil((current.resetAt - now) / 1000) : 0;
  }

  /** Seconds to wait if `key` is already over the limit, without counting an attempt. */
  blockedFor(key: string, now = Date.now()): number {
    const current = this.windows.get(key);
    if (!current || current.resetAt <= now || current.count < this.limit) return 0;
    return Math.ceil((current.resetAt - now) / 1000);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}

const KEY = Symbol.for("logiaccounting.sign-in-throttle");
type Holder = { [KEY]?: { account: AttemptThrottle; ip: AttemptThrottle } };

/**
 * Password sign-in: 10 failed attempts per account and 30 per IP address in 15 minutes
 * (only failures count, so a busy office behind one address is not locked out by its own
 * successful sign-ins). Magic-link and signup requests count every request.
 */
export function signInThrottles(): { account: AttemptThrottle; ip: AttemptThrottle } {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= {
    account: new AttemptThrottle(10, 15 * 60_000),
    ip: new AttemptThrottle(30, 15 * 60_000),
  });
}
