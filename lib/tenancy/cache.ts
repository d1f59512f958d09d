import { Redis as UpstashRedis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { ABANDONED_COMMAND_MS } from "@/lib/redis/deadline";

/**
 * The shared (cross-process) cache layer under the tenant directory: a few string
 * commands, so the directory does not care whether Redis is reached over its own protocol
 * (REDIS_URL, ioredis) or over Upstash's HTTP REST API. Failures are the directory's
 * business (it falls back to the database); adapters only report them by rejecting.
 */
export interface SharedCache {
  /** For log lines: "redis" or "upstash". */
  readonly name: string;
  get(key: string): Promise<string | null>;
  /** Stores the value for ttlMs milliseconds (millisecond precision, so tests can use tiny TTLs). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export interface IORedisCacheOptions {
  /** Called for connection-level errors, which ioredis reports as events rather than rejections. */
  onConnectionError?: (error: Error) => void;
  /** Per-command timeout; the directory's own deadline (sharedTimeoutMs) decides first. */
  commandTimeoutMs?: number;
}

/** A SharedCache over a Redis server (REDIS_URL: redis:// or rediss://). */
export function ioredisSharedCache(url: string, options: IORedisCacheOptions = {}): SharedCache {
  const client = new IORedis(url, {
    // Fail fast while disconnected instead of queueing: a request must never wait for Redis.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? ABANDONED_COMMAND_MS,
  });
  // Without a listener ioredis prints "Unhandled error event" on every reconnect attempt.
  client.on("error", (error: Error) => options.onConnectionError?.(error));
  return ioredisCacheOf(client, { ownsClient: true });
}

/** Wraps an existing ioredis client (tests, or an app that already holds one). */
export function ioredisCacheOf(client: IORedis, { ownsClient = false } = {}): SharedCache {
  return {
    name: "redis",
    get: (key) => client.get(key),
    async set(key, value, ttlMs) {
      await client.set(key, value, "PX", Math.max(1, Math.round(ttlMs)));
    },
    async del(keys) {
      if (keys.length) await client.del(...keys);
    },
    async close() {
      if (ownsClient) client.disconnect();
    },
  };
}

/** A SharedCache over Upstash's REST API (UPSTASH_REDIS_REST_URL + UPSTASH_REDIS_REST_TOKEN). */
export function upstashSharedCache(url: string, token: string): SharedCache {
  const client = new UpstashRedis({
    url,
    token,
    // Values are our own JSON strings: keep them as strings instead of letting the client parse them.
    automaticDeserialization: false,
    // One attempt: the directory falls back to the database rather than waiting out backoffs.
    retry: false,
    enableTelemetry: false,
  });
  return {
    name: "upstash",
    get: (key) => client.get<string>(key),
    async set(key, value, ttlMs) {
      await client.set(key, value, { px: Math.max(1, Math.round(ttlMs)) });
    },
    async del(keys) {
      if (keys.length) await client.del(...keys);
    },
    async close() {},
  };
}

/** Reads REDIS_URL, UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN. */
export type SharedCacheEnv = Readonly<Record<string, string | undefined>>;

/**
 * The shared layer the environment asks for: REDIS_URL → ioredis; Upstash URL and token →
 * @upstash/redis; neither → null (in-process cache only, the embedded default). REDIS_URL wins
 * when both are set, because a direct connection is cheaper than HTTP per command.
 */
export function sharedCacheFromEnv(
  env: SharedCacheEnv = process.env,
  options: IORedisCacheOptions = {},
): SharedCache | null {
  if (env.REDIS_URL) return ioredisSharedCache(env.REDIS_URL, options);
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return upstashSharedCache(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN);
  }
  return null;
}
