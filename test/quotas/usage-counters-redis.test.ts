import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  failOpenStore,
  memoryCounterStore,
  redisCounterStore,
  setUsageCounterStore,
  usageCounterStore,
} from "@/lib/usage/counters";
import { freePort, redisAvailable, testRedis, type TestRedis } from "../support/redis";

/**
 * The usage counters' Redis, as production builds it (REDIS_URL): when Redis cannot be
 * reached, API calls are still counted, in this process, and that is logged once a minute;
 * when this process is merely too busy to read Redis's answer in time, the count stays in
 * Redis (a double count in process would be charged to the workspace's monthly quota).
 */

describe.skipIf(!redisAvailable)("usage counters on a real Redis", () => {
  let redis: TestRedis;

  beforeAll(async () => {
    redis = await testRedis();
  }, 30_000);

  afterAll(async () => {
    await setUsageCounterStore(undefined);
    await redis.stop();
  });

  const key = () => `usage:${randomUUID()}:2026-11-01:api_calls`;

  it("a stall longer than the deadline, before or after the command went out, still counts in Redis", async () => {
    await setUsageCounterStore(undefined);
    const store = usageCounterStore({ ...process.env, REDIS_URL: redis.url });
    const counter = key();
    // Connected: the offline queue is off, so a command before that would count in process.
    await redis.admin.set(counter, "500", "EX", 60);
    for (let i = 0; i < 50 && (await store.get(counter)) !== 500; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const stall = () => {
      const end = performance.now() + 600;
      while (performance.now() < end);
    };

    const early = store.addWithin(counter, 1, 1000, 0, 60);
    stall();
    expect(await early).toEqual({ ok: true, value: 501 });

    const late = store.addWithin(counter, 1, 1000, 0, 60);
    setImmediate(stall);
    expect(await late).toEqual({ ok: true, value: 502 });

    expect(await redis.admin.get(counter)).toBe("502");
    expect(await store.get(counter)).toBe(502);
    await setUsageCounterStore(undefined);
  });

  it("an unreachable Redis: counted in this process meanwhile, limits still applied, logged once", async () => {
    const closed = await freePort();
    const client = new Redis(`redis://127.0.0.1:${closed}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on("error", () => undefined);
    const messages: string[] = [];
    const store = failOpenStore(redisCounterStore(client, { ownsClient: true }), memoryCounterStore(), {
      log: (message: string) => messages.push(message),
    });
    try {
      const counter = key();
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await store.addWithin(counter, 1, 3, 1, 60));
      expect(results).toEqual([
        { ok: true, value: 2 },
        { ok: true, value: 3 },
        { ok: false, value: 3 },
        { ok: false, value: 3 },
      ]);
      expect(await store.get(counter)).toBe(3);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/\[usage\] redis counter add failed; counting in this process meanwhile/);
    } finally {
      await store.close();
    }
  });
});
