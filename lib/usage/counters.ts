import { Redis as IORedis } from "ioredis";
import { ABANDONED_COMMAND_MS, withDeadline } from "@/lib/redis/deadline";

/**
 * Usage counters: Redis when REDIS_URL is set (shared by every process), else a map in
 * this process (the embedded, single-process default). Both offer the one operation the
 * API-call quota needs — an atomic "add unless it would pass the limit" — plus plain adds
 * for metrics without a limit (exports). Counters are flushed to tenant_usage_logs by
 * lib/usage/usage.ts; they are a fast path, not the record.
 *
 * Redis unreachable: the call falls back to this process's counters (fail open: an API
 * call is never refused because the usage store is down) and the failure is logged once
 * a minute. The flush writes the larger of the database's and the counter's figures, so
 * counts made during an outage are not lost when Redis returns, only not shared.
 */

export interface AddResult {
  ok: boolean;
  /** The counter after the call (unchanged when refused). */
  value: number;
}

export interface CounterStore {
  readonly name: "redis" | "memory";
  /**
   * Atomically: a missing counter starts at `seed`; then `amount` is added unless the
   * result would exceed `limit` (null: no limit).
   */
  addWithin(key: string, amount: number, limit: number | null, seed: number, ttlSeconds: number): Promise<AddResult>;
  get(key: string): Promise<number | null>;
  close(): Promise<void>;
}

export function memoryCounterStore(clock: () => number = Date.now): CounterStore {
  const values = new Map<string, { value: number; expiresAt: number }>();
  const live = (key: string) => {
    const entry = values.get(key);
    if (entry && entry.expiresAt <= clock()) {
      values.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    name: "memory",
    // Synchronous between the read and the write: no other request can interleave.
    async addWithin(key, amount, limit, seed, ttlSeconds) {
      const entry = live(key) ?? { value: seed, expiresAt: clock() + ttlSeconds * 1000 };
      values.set(key, entry);
      if (limit !== null && entry.value + amount > limit) return { ok: false, value: entry.value };
      entry.value += amount;
      return { ok: true, value: entry.value };
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async close() {
      values.clear();
    },
  };
}

/** KEYS[1] counter; ARGV amount, limit ("" = none), seed, ttl seconds. Returns {ok, value}. */
const ADD_WITHIN = `
local v = redis.call('GET', KEYS[1])
if not v then
  v = tonumber(ARGV[3])
  redis.call('SET', KEYS[1], v, 'EX', tonumber(ARGV[4]))
else
  v = tonumber(v)
end
local n = v + tonumber(ARGV[1])
if ARGV[2] ~= '' and n > tonumber(ARGV[2]) then
  return {0, v}
end
redis.call('SET', KEYS[1], n, 'KEEPTTL')
return {1, n}
`;

export function redisCounterStore(client: IORedis, { ownsClient = false } = {}): CounterStore {
  return {
    name: "redis",
    async addWithin(key, amount, limit, seed, ttlSeconds) {
      const [ok, value] = (await client.eval(
        ADD_WITHIN,
        1,
        key,
        String(amount),
        limit === null ? "" : String(limit),
        String(seed),
        String(Math.max(1, Math.round(ttlSeconds))),
      )) as [number, number];
      return { ok: ok === 1, value: Number(value) };
    },
    async get(key) {
      const value = await client.get(key);
      return value === null ? null : Number(value);
    },
    async close() {
      if (ownsClient) client.disconnect();
    },
  };
}

/** How long a Redis counter command may take before this process's counters answer instead. */
export const COUNTER_DEADLINE_MS = 250;

/** A store that uses `primary` and, while it fails, `fallback` (logged, at most once a minute). */
export function failOpenStore(
  primary: CounterStore,
  fallback: CounterStore,
  { log = console.warn, deadlineMs = COUNTER_DEADLINE_MS }: { log?: typeof console.warn; deadlineMs?: number } = {},
): CounterStore {
  let lastLog = 0;
  const fallbackOn = <T>(operation: string, error: unknown, run: () => Promise<T>): Promise<T> => {
    if (Date.now() - lastLog > 60_000) {
      lastLog = Date.now();
      log(`[usage] ${primary.name} counter ${operation} failed; counting in this process meanwhile:`, error);
    }
    return run();
  };
  return {
    name: primary.name,
    async addWithin(key, amount, limit, seed, ttl) {
      try {
        return await withDeadline(primary.addWithin(key, amount, limit, seed, ttl), deadlineMs);
      } catch (error) {
        return fallbackOn("add", error, () => fallback.addWithin(key, amount, limit, seed, ttl));
      }
    },
    async get(key) {
      try {
        const [shared, local] = await Promise.all([withDeadline(primary.get(key), deadlineMs), fallback.get(key)]);
        if (shared === null) return local;
        return Math.max(shared, local ?? 0);
      } catch (error) {
        return fallbackOn("read", error, () => fallback.get(key));
      }
    },
    async close() {
      await Promise.allSettled([primary.close(), fallback.close()]);
    },
  };
}

const KEY = Symbol.for("logiaccounting.usage-counter-store");
type Holder = { [KEY]?: CounterStore };

/** The process's counter store, from REDIS_URL (see lib/tenancy/cache.ts for the cache's Redis). */
export function usageCounterStore(env: NodeJS.ProcessEnv = process.env): CounterStore {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    if (env.REDIS_URL) {
      const client = new IORedis(env.REDIS_URL, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        commandTimeout: ABANDONED_COMMAND_MS,
      });
      client.on("error", () => undefined); // reported by failOpenStore when a command fails
      holder[KEY] = failOpenStore(redisCounterStore(client, { ownsClient: true }), memoryCounterStore());
    } else {
      holder[KEY] = memoryCounterStore();
    }
  }
  return holder[KEY];
}

/** Replaces the process's store (tests) or forgets it (next use reads the environment again). */
export async function setUsageCounterStore(store: CounterStore | undefined): Promise<void> {
  const holder = globalThis as Holder;
  const previous = holder[KEY];
  if (store) holder[KEY] = store;
  else delete holder[KEY];
  if (previous && previous !== store) await previous.close();
}

export function counterKey(tenantId: string, periodStart: string, metric: string): string {
  return `usage:${tenantId}:${periodStart}:${metric}`;
}
