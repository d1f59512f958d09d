import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/http/errors";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "@/lib/rate-limit/limiter";
import type { LimitSpec } from "@/lib/rate-limit/policy";
import { credentialKey, enforceRateLimit, PROBE_MS, recentRefusal } from "@/lib/rate-limit/rate-limit";

/**
 * A client that keeps calling after its 429 is answered from memory (proxy.ts asks
 * recentRefusal): no tenant lookup, no credential check, no limiter call — until the
 * window it was refused in ends. Then one call probes while the others are still refused.
 * Only the credential that was refused is affected.
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
const newCredential = (slug = "acme") => credentialKey(headersWith(`Bearer lak_${randomUUID()}`), slug);

describe("refusals remembered per credential", () => {
  it("after a 429, the same credential gets the same 429 from memory, without reaching the limiter", async () => {
    const limiter = new CountingLimiter(new MemoryRateLimiter());
    const credential = newCredential();
    const subject = { tenantId: randomUUID(), tier: "professional", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 50; i++) await enforceRateLimit(subject, { limiter });
    expect(recentRefusal(credential)).toBeNull();
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    const callsSoFar = limiter.calls;

    const refusal = recentRefusal(credential);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect(refusal!.headers).toMatchObject({
      "x-ratelimit-limit": "50",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-scope": "api_key",
    });
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.calls).toBe(callsSoFar);
  });

  it("another key, another workspace's host and a session are not affected", async () => {
    const limiter = new MemoryRateLimiter();
    const token = `Bearer lak_${randomUUID()}`;
    const credential = credentialKey(headersWith(token), "acme");
    const subject = { tenantId: randomUUID(), tier: "free", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 10; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(recentRefusal(credential)).toBeInstanceOf(RateLimitedError);

    expect(recentRefusal(newCredential())).toBeNull();
    expect(recentRefusal(credentialKey(headersWith(token), "globex"))).toBeNull();
    expect(recentRefusal(credentialKey(new Headers({ cookie: "s=1" }), "acme"))).toBeNull();
    expect(credentialKey(new Headers(), "acme")).toBeNull();
    expect(credentialKey(headersWith(token), null)).toBeNull();
  });

  it("about when the sliding window frees a call, one call probes and the others wait for its outcome", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const credential = newCredential();
    const subject = { tenantId: randomUUID(), tier: "free", credential };
    for (let i = 0; i < 20; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    // Free: 20 calls per 10 s, so the window frees about one call every 500 ms; until then
    // the credential is answered from memory (and never past the window's end).
    expect(recentRefusal(credential, now + 499)).toBeInstanceOf(RateLimitedError);

    // Then the first call goes on (the probe), the next ones are refused meanwhile.
    now += 500;
    expect(recentRefusal(credential, now)).toBeNull();
    const waiting = recentRefusal(credential, now + 10);
    expect(waiting).toBeInstanceOf(RateLimitedError);
    expect(waiting!.retryAfterSeconds).toBe(1);
    // The probe is refused (all 20 calls are still in this window): remembered anew…
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(recentRefusal(credential, now + 20)).toBeInstanceOf(RateLimitedError);

    // …and in the next window the weighted count frees calls steadily: a probe passes and
    // the refusal is forgotten, while the limiter still refuses what exceeds the window.
    now = 1_010_001;
    expect(recentRefusal(credential, now)).toBeNull();
    await enforceRateLimit(subject, { limiter });
    expect(recentRefusal(credential, now + 1)).toBeNull();
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(recentRefusal(credential, now + 2)).toBeInstanceOf(RateLimitedError);
  });

  it("a probe that never reports back does not block the credential for more than PROBE_MS", async () => {
    let now = 2_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const credential = newCredential();
    const subject = { tenantId: randomUUID(), tier: "free", credential };
    for (let i = 0; i < 21; i++) await enforceRateLimit(subject, { limiter }).catch(() => undefined);
    now += 500;
    expect(recentRefusal(credential, now)).toBeNull(); // the probe (say its caller gave up)
    expect(recentRefusal(credential, now + PROBE_MS - 1)).toBeInstanceOf(RateLimitedError);
    expect(recentRefusal(credential, now + PROBE_MS)).toBeNull(); // the next probe
  });
});
