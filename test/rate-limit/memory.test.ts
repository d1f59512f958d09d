import { describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "@/lib/rate-limit/limiter";
import { burstOf, RATE_LIMITS, rateLimitScaleFromEnv, rateLimitsFor } from "@/lib/rate-limit/policy";
import { rateLimiterFromEnv } from "@/lib/rate-limit/rate-limit";
import { rateLimitBehaviour } from "./behaviour";

describe("in-process limiter (no Redis configured)", () => {
  rateLimitBehaviour(() => new MemoryRateLimiter(), /^memory$/);

  it("is what the environment gives without REDIS_URL or Upstash credentials", () => {
    expect(rateLimiterFromEnv({}).name).toBe("memory");
    // A URL without a token is not a configuration.
    expect(rateLimiterFromEnv({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1" }).name).toBe("memory");
  });

  it("slides: the previous window counts by how much of it still overlaps", async () => {
    let now = 1_000_000; // the start of a 10 s window
    const limiter = new MemoryRateLimiter({ now: () => now });
    const spec = { requests: 10, windowMs: 10_000 };
    for (let i = 0; i < 10; i++) expect((await limiter.check("t", spec)).allowed).toBe(true);
    expect((await limiter.check("t", spec)).allowed).toBe(false);
    // 3 s into the next window, 70% of the previous one overlaps: floor(10 × 0.7) = 7 count.
    now += 13_000;
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.check("t", spec));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[0].resetAt).toBe(1_020_000);
    // A window later only the 3 requests of that window count, at 70%: floor(2.1) = 2.
    now += 10_000;
    expect(await limiter.check("t", spec)).toMatchObject({ allowed: true, remaining: 7 });
  });

  it("forgets the least recently used identifiers beyond its bound", async () => {
    const limiter = new MemoryRateLimiter({ maxIdentifiers: 2, now: () => 5_000 });
    const spec = { requests: 1, windowMs: 10_000 };
    await limiter.check("a", spec);
    expect((await limiter.check("a", spec)).allowed).toBe(false);
    await limiter.check("b", spec);
    await limiter.check("c", spec);
    expect((await limiter.check("a", spec)).allowed).toBe(true);
  });
});

describe("limits by tier", () => {
  it("grow with the plan, and an API key's budget is a part of the workspace's", () => {
    const tiers = ["free", "standard", "professional", "business", "enterprise"] as const;
    const tenant = tiers.map((t) => RATE_LIMITS[t].tenant.requests);
    expect([...tenant].sort((a, b) => a - b)).toEqual(tenant);
    for (const t of tiers) expect(RATE_LIMITS[t].apiKey.requests).toBeLessThan(RATE_LIMITS[t].tenant.requests);
  });

  it("an unknown tier gets the Free limits, never none", () => {
    expect(rateLimitsFor("platinum")).toMatchObject(RATE_LIMITS.free);
  });

  it("bursts: at most a fifth of a budget per second, never fewer than 20 calls; small budgets have no cap", () => {
    expect(rateLimitsFor("free")).toMatchObject({ tenantBurst: null, apiKeyBurst: null });
    expect(rateLimitsFor("professional")).toMatchObject({
      tenant: { requests: 100, windowMs: 10_000 },
      tenantBurst: { requests: 20, windowMs: 1_000 },
      apiKeyBurst: { requests: 20, windowMs: 1_000 },
    });
    expect(rateLimitsFor("enterprise")).toMatchObject({
      tenantBurst: { requests: 100, windowMs: 1_000 },
      apiKeyBurst: { requests: 50, windowMs: 1_000 },
    });
    expect(burstOf({ requests: 21, windowMs: 10_000 })).toEqual({ requests: 20, windowMs: 1_000 });
    expect(burstOf({ requests: 20, windowMs: 10_000 })).toBeNull();
    // A scaled budget gets a scaled burst.
    expect(rateLimitsFor("professional", 10).tenantBurst).toEqual({ requests: 200, windowMs: 1_000 });
  });

  it("RATE_LIMIT_SCALE multiplies every limit; nonsense means 1", () => {
    expect(rateLimitsFor("standard", 10).tenant.requests).toBe(RATE_LIMITS.standard.tenant.requests * 10);
    expect(rateLimitsFor("standard", 10).tenant.windowMs).toBe(RATE_LIMITS.standard.tenant.windowMs);
    expect(rateLimitsFor("free", 0.001).apiKey.requests).toBe(1);
    expect(rateLimitScaleFromEnv({ RATE_LIMIT_SCALE: "2.5" })).toBe(2.5);
    for (const raw of [undefined, "", "0", "-3", "lots"])
      expect(rateLimitScaleFromEnv({ RATE_LIMIT_SCALE: raw })).toBe(1);
  });
});
