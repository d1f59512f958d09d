import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FallbackRateLimiter } from "@/lib/rate-limit/fallback";
import { MemoryRateLimiter, type RateLimiter } from "@/lib/rate-limit/limiter";
import { RATE_LIMITS } from "@/lib/rate-limit/policy";
import { enforceRateLimit, rateLimiterFromEnv } from "@/lib/rate-limit/rate-limit";
import { redisUrlClient, stripScriptShebang, upstashRestClient } from "@/lib/rate-limit/redis";
import { UpstashRateLimiter } from "@/lib/rate-limit/upstash";
import {
  blackHole,
  freePort,
  redisAvailable,
  startRedisServer,
  stopRedisServer,
  testRedis,
  type TestRedis,
} from "../support/redis";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { rateLimitBehaviour } from "./behaviour";
import { allowedCount, attempt, burst, recordingLog, sleep, workspace } from "./support";

/**
 * @upstash/ratelimit against a real Redis: through the local Upstash REST bridge (the
 * protocol production uses with Upstash) and over REDIS_URL (ioredis). Also what happens
 * when Redis cannot be reached (decision 0011): the in-process limiter answers, within a
 * bounded time, one log line per outage, and Redis takes over again when it is back.
 */

const prefix = `test:${process.pid}:${Date.now()}:rl`;

describe.skipIf(!redisAvailable)("rate limits on a real Redis", () => {
  let redis: TestRedis;
  let bridge: UpstashBridge;
  const limiters: RateLimiter[] = [];
  const track = <T extends RateLimiter>(limiter: T): T => {
    limiters.push(limiter);
    return limiter;
  };

  beforeAll(async () => {
    redis = await testRedis();
    bridge = await startUpstashBridge(redis.url);
  }, 30_000);

  afterAll(async () => {
    for (const limiter of limiters) await limiter.close();
    const keys = await redis.admin.keys(`${prefix}*`).catch(() => []);
    if (keys.length) await redis.admin.del(...keys);
    await bridge.close();
    await redis.stop();
  });

  describe("through the Upstash REST bridge", () => {
    rateLimitBehaviour(
      () => track(new UpstashRateLimiter(upstashRestClient(bridge.url, bridge.token).client, { prefix })),
      /^redis$/,
    );

    it("the counts live in Redis, so every server process shares them", async () => {
      const subject = workspace("free");
      const limit = RATE_LIMITS.free.tenant.requests;
      const processA = track(new UpstashRateLimiter(upstashRestClient(bridge.url, bridge.token).client, { prefix }));
      const processB = track(new UpstashRateLimiter(upstashRestClient(bridge.url, bridge.token).client, { prefix }));
      const fromA = await burst(limit / 2, subject, processA);
      const fromB = await burst(limit, subject, processB);
      expect(allowedCount(fromA) + allowedCount(fromB)).toBe(limit);
      const keys = await redis.admin.keys(`${prefix}:*tenant:${subject.tenantId}*`);
      expect(keys.length).toBeGreaterThan(0);
      // @upstash/redis pipelines the commands of one tick automatically.
      expect((bridge.requests.get("/") ?? 0) + (bridge.requests.get("/pipeline") ?? 0)).toBeGreaterThan(0);
    });

    it("the bridge serves single commands, pipelines and transactions like Upstash", async () => {
      const { client } = upstashRestClient(bridge.url, bridge.token);
      const key = `${prefix}:bridge:${randomUUID()}`;
      expect(await client.set(key, "é ✓")).toBe("OK");
      expect(await client.get(key)).toBe("é ✓");
      const transaction = client.multi();
      transaction.incr(`${key}:n`);
      transaction.incr(`${key}:n`);
      transaction.get(`${key}:n`);
      expect(await transaction.exec()).toEqual([1, 2, 2]);
      expect(bridge.requests.get("/multi-exec")).toBeGreaterThan(0);
      await expect(client.incr(key)).rejects.toThrow(/not an integer/);
    });

    it("the bridge refuses a wrong token, like Upstash", async () => {
      const limiter = new UpstashRateLimiter(upstashRestClient(bridge.url, "wrong").client, { prefix });
      await expect(limiter.check(`t:${randomUUID()}`, { requests: 1, windowMs: 1000 })).rejects.toThrow(/Unauthorized/);
    });
  });

  describe("over REDIS_URL (ioredis)", () => {
    rateLimitBehaviour(() => {
      const connection = redisUrlClient(redis.url);
      return track(new UpstashRateLimiter(connection.client, { prefix, onClose: () => connection.close() }));
    }, /^redis$/);
  });

  it("the Lua scripts lose only their shebang line", () => {
    expect(stripScriptShebang("#!lua flags=allow-key-locking\n  local x = 1\n")).toBe("  local x = 1\n");
    expect(stripScriptShebang("local x = 1")).toBe("local x = 1");
  });

  describe("when Redis is unreachable (decision 0011)", () => {
    it("a refused connection: the in-process limiter answers at once, with the same limits, logged once", async () => {
      const closed = await freePort();
      const { log, messages } = recordingLog();
      for (const env of [
        { REDIS_URL: `redis://127.0.0.1:${closed}` },
        { UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${closed}`, UPSTASH_REDIS_REST_TOKEN: "t" },
      ]) {
        messages.length = 0;
        const limiter = track(rateLimiterFromEnv(env, { prefix, log }));
        const subject = workspace("free");
        const limit = RATE_LIMITS.free.tenant.requests;
        const started = Date.now();
        const outcomes = await burst(limit + 5, subject, limiter);
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(allowedCount(outcomes)).toBe(limit);
        const last = outcomes[limit];
        if (last.allowed) throw new Error("expected a refusal");
        expect(last.response.status).toBe(429);
        expect(last.response.headers.get("x-ratelimit-limit")).toBe(String(limit));
        const first = outcomes[0];
        if (!first.allowed) throw new Error("expected the first request to pass");
        expect(first.decision.store).toBe("memory-fallback");
        expect(messages).toHaveLength(1);
        expect(messages[0]).toMatch(/unreachable.*limiting in process/);
      }
    });

    it("a Redis that hangs costs one request the timeout, then none until the next probe", async () => {
      const hole = await blackHole();
      try {
        const { log, messages } = recordingLog();
        const primary = new UpstashRateLimiter(upstashRestClient(`http://127.0.0.1:${hole.port}`, "t").client, {
          prefix,
        });
        const limiter = track(
          new FallbackRateLimiter(primary, new MemoryRateLimiter(), { timeoutMs: 100, retryAfterMs: 60_000, log }),
        );
        const subject = workspace("standard");
        let started = Date.now();
        expect(await attempt(subject, limiter)).toMatchObject({
          allowed: true,
          decision: { store: "memory-fallback" },
        });
        const first = Date.now() - started;
        expect(first).toBeGreaterThanOrEqual(95);
        expect(first).toBeLessThan(600);
        started = Date.now();
        for (let i = 0; i < 20; i++) await attempt(subject, limiter);
        expect(Date.now() - started).toBeLessThan(100);
        expect(messages).toEqual([expect.stringMatching(/no answer within 100 ms/)]);
      } finally {
        await hole.close();
      }
    });

    describe("a process too busy to read Redis's answer in time is not an outage", () => {
      /** Keeps this process's event loop busy, as loading a route's code or a long GC does. */
      const stall = (ms: number) => {
        const end = performance.now() + ms;
        while (performance.now() < end);
      };
      const connections = {
        "over REDIS_URL": () => {
          const connection = redisUrlClient(redis.url);
          return new UpstashRateLimiter(connection.client, { prefix, onClose: () => connection.close() });
        },
        "through the REST bridge": () =>
          new UpstashRateLimiter(upstashRestClient(bridge.url, bridge.token).client, { prefix }),
      };
      for (const [name, primaryLimiter] of Object.entries(connections)) {
        it(`${name}: a stall longer than the timeout, before or after the call went out, still counts in Redis`, async () => {
          const { log, messages } = recordingLog();
          const limiter = track(
            new FallbackRateLimiter(primaryLimiter(), new MemoryRateLimiter(), {
              timeoutMs: 150,
              retryAfterMs: 60_000,
              log,
            }),
          );
          const subject = workspace("standard");
          // Connected and warm: the Lua script is loaded, the connection open.
          expect(await attempt(subject, limiter)).toMatchObject({ decision: { store: "redis" } });

          // The stall starts before the call has been written to the socket ...
          const early = attempt(subject, limiter);
          stall(400);
          expect(await early).toMatchObject({ allowed: true, decision: { store: "redis" } });

          // ... or once it is out, so that Redis's answer arrives during the stall.
          const late = attempt(subject, limiter);
          setImmediate(() => stall(400));
          expect(await late).toMatchObject({ allowed: true, decision: { store: "redis" } });

          expect(limiter.degraded).toBe(false);
          expect(messages).toEqual([]);
        });
      }
    });

    it("a Redis that goes away mid-run and comes back: memory meanwhile, Redis again after the retry delay", async () => {
      // A private server on a free port (a shared REDIS_TEST_URL server is not ours to stop).
      const port = await freePort();
      let own = await startRedisServer(port);
      const { log, messages } = recordingLog();
      const connection = redisUrlClient(`redis://127.0.0.1:${port}`);
      const primary = new UpstashRateLimiter(connection.client, { prefix, onClose: () => connection.close() });
      const limiter = track(
        new FallbackRateLimiter(primary, new MemoryRateLimiter(), { timeoutMs: 200, retryAfterMs: 300, log }),
      );
      try {
        const subject = workspace("business");
        await sleep(100);
        expect(await enforceRateLimit(subject, { limiter })).toMatchObject({ store: "redis" });

        await stopRedisServer(own);
        await sleep(100);
        for (let i = 0; i < 5; i++)
          expect(await enforceRateLimit(subject, { limiter })).toMatchObject({ store: "memory-fallback" });
        expect(limiter.degraded).toBe(true);
        expect(messages).toHaveLength(1);

        own = await startRedisServer(port);
        // ioredis reconnects by itself; the next probe after retryAfterMs finds it.
        let store = "";
        for (let i = 0; i < 40 && store !== "redis"; i++) {
          await sleep(100);
          store = (await enforceRateLimit(subject, { limiter })).store;
        }
        expect(store).toBe("redis");
        expect(limiter.degraded).toBe(false);
        expect(messages).toHaveLength(2);
        expect(messages[1]).toMatch(/answers again/);
      } finally {
        await stopRedisServer(own);
      }
    });
  });
});
