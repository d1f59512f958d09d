import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RateLimitedError } from "@/lib/http/errors";
import { MemoryRateLimiter, type RateLimitDecision, type RateLimiter } from "@/lib/rate-limit/limiter";
import type { LimitSpec } from "@/lib/rate-limit/policy";
import { credentialKey, enforceRateLimit, PROBE_MS, rateLimitStanding } from "@/lib/rate-limit/rate-limit";

/**
 * A client that keeps calling after its 429 is answered from memory (the request gate asks
 * rateLimitStanding): no tenant lookup, no credential check, no limiter call — for about
 * the time in which its budget frees a call. Then one call probes while the others are
 * still refused. What is remembered is the budget; only credentials it refused are affected.
 */

/** The remembered 429 for this credential, or null when the call goes on (nothing remembered, or the probe). */
function recentRefusal(credential: string | null, now = Date.now()): RateLimitedError | null {
  const standing = rateLimitStanding(credential, now);
  return standing.kind === "refused" ? standing.error : null;
}

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

const request = (host: string, headers: Record<string, string>) => new Headers({ host, ...headers });
const newKey = () => `Bearer lak_${randomUUID()}`;
const newCredential = (host = "acme.localhost:3000") => credentialKey(request(host, { authorization: newKey() }));

describe("the credential key", () => {
  it("is the host, X-Tenant-ID and the credential; without a credential or a host there is none", () => {
    const token = newKey();
    const base = credentialKey(request("acme.localhost:3000", { authorization: token }));
    expect(base).toMatch(/^[\w-]{43}$/);
    expect(credentialKey(request("ACME.localhost:3000", { authorization: token }))).toBe(base);
    expect(credentialKey(request("globex.localhost:3000", { authorization: token }))).not.toBe(base);
    expect(credentialKey(request("acme.localhost:3000", { authorization: newKey() }))).not.toBe(base);
    // The same credential on the root domain, addressed at two workspaces, is two credentials.
    const viaHeader = (tenant: string) =>
      credentialKey(request("localhost:3000", { authorization: token, "x-tenant-id": tenant }));
    expect(viaHeader("a")).not.toBe(viaHeader("b"));
    // A session's cookie counts when there is no Authorization header.
    expect(credentialKey(request("acme.localhost:3000", { cookie: "s=1" }))).not.toBeNull();
    expect(credentialKey(request("acme.localhost:3000", {}))).toBeNull();
    expect(credentialKey(new Headers({ authorization: token }))).toBeNull();
  });
});

describe("refusals remembered per budget", () => {
  it("after a 429, the same credential gets the same 429 from memory, without reaching the limiter", async () => {
    const limiter = new CountingLimiter(new MemoryRateLimiter());
    const credential = newCredential();
    // Free's limits with API access: the key's budget is 10 calls per 10 s.
    const subject = { tenantId: randomUUID(), tier: "free", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 9; i++) await enforceRateLimit(subject, { limiter });
    expect(recentRefusal(credential)).toBeNull();
    await enforceRateLimit(subject, { limiter }); // the budget's last call
    const callsSoFar = limiter.calls;

    const refusal = recentRefusal(credential);
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect(refusal!.headers).toMatchObject({
      "x-ratelimit-limit": "10",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-scope": "api_key",
    });
    expect(refusal!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.calls).toBe(callsSoFar);
  });

  it("a flooding client gets the same 429 while its Retry-After holds, and the right Retry-After after", async () => {
    const now = 403_700; // 6.3 s before the key's window ends: Retry-After 7, then 6 from 404_000 on
    const limiter = new MemoryRateLimiter({ now: () => now });
    const credential = newCredential();
    const subject = { tenantId: randomUUID(), tier: "free", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 10; i++) await enforceRateLimit(subject, { limiter }); // the key's 10 per 10 s
    const first = recentRefusal(credential, now)!;
    // Nothing is built anew per refused call (the gate answers hundreds a second)…
    expect(recentRefusal(credential, now)).toBe(first);
    expect(first.retryAfterSeconds).toBe(7);
    // …and what is reused still tells the truth: Retry-After follows the clock.
    expect(recentRefusal(credential, now + 299)).toBe(first);
    const later = recentRefusal(credential, now + 300)!;
    expect(later).not.toBe(first);
    expect(later.retryAfterSeconds).toBe(6);
    expect(recentRefusal(credential, now + 900)).toBe(later);
  });

  it("the call that takes a budget's last slot is remembered at once; one with room left is not", async () => {
    let now = 500_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const credential = newCredential();
    const subject = { tenantId: randomUUID(), tier: "free", credential };
    for (let i = 0; i < 19; i++) await enforceRateLimit(subject, { limiter });
    expect(rateLimitStanding(credential, now)).toEqual({ kind: "clear" });
    await enforceRateLimit(subject, { limiter });
    expect(rateLimitStanding(credential, now)).toMatchObject({ kind: "refused" });
    // …and only for about the time the sliding window frees a call (Free: 10 s ÷ 20).
    now += 500;
    expect(rateLimitStanding(credential, now)).toEqual({ kind: "probe" });
  });

  it("another key, another workspace's host and a session are not affected", async () => {
    const limiter = new MemoryRateLimiter();
    const token = newKey();
    const credential = credentialKey(request("acme.localhost:3000", { authorization: token }));
    const subject = { tenantId: randomUUID(), tier: "free", apiKeyId: randomUUID(), credential };
    for (let i = 0; i < 10; i++) await enforceRateLimit(subject, { limiter });
    await expect(enforceRateLimit(subject, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    expect(recentRefusal(credential)).toBeInstanceOf(RateLimitedError);

    expect(recentRefusal(newCredential())).toBeNull();
    expect(recentRefusal(credentialKey(request("globex.localhost:3000", { authorization: token })))).toBeNull();
    expect(recentRefusal(credentialKey(request("acme.localhost:3000", { cookie: "s=1" })))).toBeNull();
  });

  it("four keys refused by their workspace's budget share one pause and send one probe, not four", async () => {
    let now = 3_000_000;
    const limiter = new MemoryRateLimiter({ now: () => now });
    const tenantId = randomUUID();
    const keys = Array.from({ length: 4 }, () => ({
      tenantId,
      tier: "free",
      apiKeyId: randomUUID(),
      credential: newCredential(),
    }));
    // The workspace's 20 calls, 5 per key (each key's own budget is 10): then every key is refused.
    for (const key of keys) for (let i = 0; i < 5; i++) await enforceRateLimit(key, { limiter });
    for (const key of keys) await expect(enforceRateLimit(key, { limiter })).rejects.toBeInstanceOf(RateLimitedError);
    for (const key of keys) expect(rateLimitStanding(key.credential, now).kind).toBe("refused");

    now += 500;
    const standings = keys.map((key) => rateLimitStanding(key.credential, now).kind);
    expect(standings).toEqual(["probe", "refused", "refused", "refused"]);
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

    // …and in the next window the weighted count frees calls steadily: a probe passes, and
    // since it took the only free slot, the credential is paused again right away.
    now = 1_010_001;
    expect(recentRefusal(credential, now)).toBeNull();
    await enforceRateLimit(subject, { limiter });
    expect(recentRefusal(credential, now + 1)).toBeInstanceOf(RateLimitedError);
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
