import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { RateLimiter } from "@/lib/rate-limit/limiter";
import { BURST_WINDOW_MS, RATE_LIMITS, RATE_LIMIT_WINDOW_MS, rateLimitsFor } from "@/lib/rate-limit/policy";
import { allowedCount, attempt, burst, sleep, startOfWindow, workspace, type Outcome } from "./support";

/**
 * What a client of the tenant API sees, whatever store keeps the counts: the same suite runs
 * on the in-process limiter and on real Redis (REST bridge and REDIS_URL).
 */
export function rateLimitBehaviour(limiterOf: () => RateLimiter, store: RegExp): void {
  const free = RATE_LIMITS.free.tenant.requests;
  // Free's budgets are no larger than a burst: spending them at once is allowed.
  const small = RATE_LIMITS.free;

  it("the request after a workspace's budget is refused: 429 problem+json, Retry-After, X-RateLimit-*", async () => {
    const limiter = limiterOf();
    const subject = workspace("free");
    await startOfWindow(RATE_LIMIT_WINDOW_MS, 3_000);
    const outcomes = await burst(free + 3, subject, limiter);
    expect(allowedCount(outcomes)).toBe(free);
    const allowed = outcomes.slice(0, free) as Extract<Outcome, { allowed: true }>[];
    expect(allowed.map((o) => o.decision.remaining)).toEqual(Array.from({ length: free }, (_, i) => free - 1 - i));
    for (const o of allowed)
      expect(o.decision).toMatchObject({ limit: free, scope: "tenant", store: expect.stringMatching(store) });

    const refused = outcomes[free];
    if (refused.allowed) throw new Error("expected a refusal");
    const { response } = refused;
    const now = Date.now();
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMIT_WINDOW_MS / 1000);
    expect(response.headers.get("x-ratelimit-limit")).toBe(String(free));
    expect(response.headers.get("x-ratelimit-remaining")).toBe("0");
    const reset = Number(response.headers.get("x-ratelimit-reset"));
    expect(reset * 1000).toBeGreaterThan(now);
    expect(reset * 1000).toBeLessThanOrEqual(now + RATE_LIMIT_WINDOW_MS + 1000);
    expect(response.headers.get("x-ratelimit-scope")).toBe("tenant");
    expect(await response.json()).toMatchObject({
      type: "https://logiaccounting.dev/problems/rate-limited",
      status: 429,
      scope: "tenant",
      limit: free,
      retryAfter,
    });
  });

  it("workspaces do not share a budget: one used up leaves another's whole", async () => {
    const limiter = limiterOf();
    const a = workspace("free");
    const b = workspace("free");
    await startOfWindow(RATE_LIMIT_WINDOW_MS, 3_000);
    expect(allowedCount(await burst(free + 5, a, limiter))).toBe(free);
    const first = await attempt(b, limiter);
    expect(first).toMatchObject({ allowed: true, decision: { remaining: free - 1, scope: "tenant" } });
    expect(allowedCount(await burst(free - 1, b, limiter))).toBe(free - 1);
    expect((await attempt(a, limiter)).allowed).toBe(false);
  });

  it("an API key has its own budget inside the workspace's, and the workspace's still applies", async () => {
    const limiter = limiterOf();
    const tenantId = randomUUID();
    // Free's limits, with API access granted by override: key 10, workspace 20 per 10 s.
    const key1 = { tenantId, tier: "free", apiKeyId: randomUUID() };
    const key2 = { tenantId, tier: "free", apiKeyId: randomUUID() };
    const session = { tenantId, tier: "free" };
    await startOfWindow(RATE_LIMIT_WINDOW_MS, 4_000);

    // Key 1 uses its whole budget; the next request of key 1 is refused on the key's scope.
    const keyOutcomes = await burst(small.apiKey.requests + 2, key1, limiter);
    expect(allowedCount(keyOutcomes)).toBe(small.apiKey.requests);
    const refused = keyOutcomes[small.apiKey.requests];
    if (refused.allowed) throw new Error("expected a refusal");
    expect(refused.response.headers.get("x-ratelimit-scope")).toBe("api_key");
    expect(refused.response.headers.get("x-ratelimit-limit")).toBe(String(small.apiKey.requests));

    // Key 2 and sessions are not affected, and key 1's refused requests cost the workspace nothing.
    const viaKey2 = await attempt(key2, limiter);
    expect(viaKey2).toMatchObject({ allowed: true });
    const viaSession = await attempt(session, limiter);
    const used = small.apiKey.requests + 2;
    expect(viaSession).toMatchObject({
      allowed: true,
      decision: { scope: "tenant", limit: small.tenant.requests, remaining: small.tenant.requests - used },
    });

    // When the workspace's budget runs out, key 2 is refused too, on the workspace's scope.
    expect(allowedCount(await burst(small.tenant.requests - used + 1, session, limiter))).toBe(
      small.tenant.requests - used,
    );
    const key2Refused = await attempt(key2, limiter);
    if (key2Refused.allowed) throw new Error("expected a refusal");
    expect(key2Refused.response.headers.get("x-ratelimit-scope")).toBe("tenant");
    expect(key2Refused.response.headers.get("x-ratelimit-limit")).toBe(String(small.tenant.requests));
  });

  it("a larger budget cannot be spent at once: at most its burst share per second, then the rest", async () => {
    const limiter = limiterOf();
    const subject = workspace("professional");
    const { tenant, tenantBurst } = rateLimitsFor("professional");
    if (!tenantBurst) throw new Error("Professional has a burst cap");
    expect(tenantBurst.requests).toBeLessThan(tenant.requests);
    await startOfWindow(RATE_LIMIT_WINDOW_MS, 5_000);
    await startOfWindow(BURST_WINDOW_MS, 600);

    const first = await burst(tenantBurst.requests + 5, subject, limiter);
    expect(allowedCount(first)).toBe(tenantBurst.requests);
    const refused = first[tenantBurst.requests];
    if (refused.allowed) throw new Error("expected a refusal");
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers.get("x-ratelimit-scope")).toBe("tenant_burst");
    expect(refused.response.headers.get("x-ratelimit-limit")).toBe(String(tenantBurst.requests));
    expect(refused.response.headers.get("retry-after")).toBe("1");
    expect(await refused.response.json()).toMatchObject({ status: 429, scope: "tenant_burst" });
    // The calls that passed show the 10-second budget, not the burst cap.
    const passed = first[tenantBurst.requests - 1];
    expect(passed).toMatchObject({
      allowed: true,
      decision: { scope: "tenant", limit: tenant.requests, remaining: tenant.requests - tenantBurst.requests },
    });

    // Two seconds later the one-second window has slid past the burst: calls pass again, and
    // the refused ones did not use the 10-second budget.
    await sleep(2 * BURST_WINDOW_MS + 50);
    expect(await attempt(subject, limiter)).toMatchObject({
      allowed: true,
      decision: { scope: "tenant", remaining: tenant.requests - tenantBurst.requests - 1 },
    });
  });

  it("the budget comes back: a request is allowed again at the reset the refusal named", async () => {
    const limiter = limiterOf();
    const spec = { requests: 5, windowMs: 1_000 };
    const id = `tenant:${randomUUID()}`;
    await startOfWindow(spec.windowMs, 400);
    const decisions = [];
    for (let i = 0; i < 6; i++) decisions.push(await limiter.check(id, spec));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    const resetAt = decisions[5].resetAt;
    expect(resetAt).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, resetAt - Date.now() + 20));
    expect(await limiter.check(id, spec)).toMatchObject({ allowed: true });
    // Two windows later nothing of the burst counts any more: the whole budget is back.
    await new Promise((resolve) => setTimeout(resolve, 2 * spec.windowMs - (Date.now() % spec.windowMs) + 20));
    const fresh = [];
    for (let i = 0; i < 6; i++) fresh.push((await limiter.check(id, spec)).allowed);
    expect(fresh).toEqual([true, true, true, true, true, false]);
  });

  it("requests sent at once never get past the limit (the check and the count are one step)", async () => {
    const limiter = limiterOf();
    const subject = workspace("free");
    const limit = RATE_LIMITS.free.tenant.requests;
    await startOfWindow(RATE_LIMIT_WINDOW_MS, 4_000);
    const outcomes = await Promise.all(Array.from({ length: limit * 2 }, () => attempt(subject, limiter)));
    expect(allowedCount(outcomes)).toBe(limit);
  });
}
