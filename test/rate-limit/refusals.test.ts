import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/http/errors";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "@/lib/rate-limit/limiter";
import type { LimitSpec } from "@/lib/rate-limit/policy";
import { credentialKey, enforceRateLimit, refuseIfRecentlyLimited } from "@/lib/rate-limit/rate-limit";

/**
 * A client that keeps calling after its 429 is answered from memory: no tenant lookup, no
 * credential check, no limiter call — until the window it was refused in ends. Only the
 * credential that was refused is affected.
 */

class CountingLimiter implements RateLimiter {
  readonly name = "counting";
  calls = 0;
  constructor(private readonly inner: MemoryRateLimiter) {}
  async check(identifier: string, spec: LimitSpec): Promise<RateLimitDecision> {
    this.calls++;
    return this.inner.check(identifier, spec);
  }
  async close() {}
}

const headersWith = (authorization: string) => new Headers({ authorization });

describe("refusals remembered per credential", () => {
  it("after a 429, the same credential is refused again without reaching the limiter, with the same headers", async () => {
    const limiter = new CountingLimiter(new MemoryRateLimiter());
    const tenantId = randomUUID();
    const credential = credentialKey(headersWith(`Bearer lak_${randomUUID()}`), "acme");
    const subject = { tenantId, tier: "professional", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 50; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    const callsSoFar = limiter.calls;

    let error: unknown;
    try {
      refuseIfRecentlyLimited(credential);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    const refusal = error as RateLimitedError;
    expect(refusal.headers).toMatchObject({
      "x-ratelimit-limit": "50",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-scope": "api_key",
    });
    expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.calls).toBe(callsSoFar);
  });

  it("another key, another workspace's host and a session are not affected", async () => {
    const limiter = new MemoryRateLimiter();
    const token = `Bearer lak_${randomUUID()}`;
    const credential = credentialKey(headersWith(token), "acme");
    const subject = { tenantId: randomUUID(), tier: "free", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 10; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(() => refuseIfRecentlyLimited(credential)).toThrow(RateLimitedError);

    expect(() =>
      refuseIfRecentlyLimited(credentialKey(headersWith(`Bearer lak_${randomUUID()}`), "acme")),
    ).not.toThrow();
    expect(() => refuseIfRecentlyLimited(credentialKey(headersWith(token), "globex"))).not.toThrow();
    expect(() => refuseIfRecentlyLimited(credentialKey(new Headers({ cookie: "s=1" }), "acme"))).not.toThrow();
    expect(credentialKey(new Headers(), "acme")).toBeNull();
    expect(credentialKey(headersWith(token), null)).toBeNull();
  });

  it("is forgotten when the window it was refused in ends", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const credential = credentialKey(headersWith(`Bearer lak_${randomUUID()}`), "acme");
    const subject = { tenantId: randomUUID(), tier: "free", credential };
    for (let i = 0; i < 20; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(() => refuseIfRecentlyLimited(credential, now + 9_999)).toThrow(RateLimitedError);
    now += 10_001;
    expect(() => refuseIfRecentlyLimited(credential, now)).not.toThrow();
  });
});
