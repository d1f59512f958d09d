import { createHash } from "node:crypto";
import { Redis as UpstashRedis, type Requester } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { ABANDONED_COMMAND_MS } from "@/lib/redis/deadline";
import type { SharedCacheEnv } from "@/lib/tenancy/cache";

/**
 * The Redis the rate limiter talks to, configured like the tenant cache
 * (lib/tenancy/cache.ts): REDIS_URL (a Redis server, over ioredis) wins over
 * UPSTASH_REDIS_REST_URL + UPSTASH_REDIS_REST_TOKEN (Upstash's HTTP REST API); neither
 * means no Redis. @upstash/ratelimit only speaks to an @upstash/redis client, so for
 * REDIS_URL that client gets a requester that runs its commands over ioredis instead of
 * HTTP. The same command runner serves the test suite's REST bridge.
 */

export type RedisCommand = ReadonlyArray<string | number | boolean | null>;

export interface CommandReply {
  result?: unknown;
  error?: string;
}

/**
 * @upstash/ratelimit's Lua scripts start with `#!lua flags=allow-key-locking`, an Upstash
 * flag that Redis (7.0 here) rejects as an unknown shebang flag. Dropping the shebang line
 * gives a plain script with the same body.
 */
export function stripScriptShebang(script: string): string {
  return script.startsWith("#!") ? script.slice(script.indexOf("\n") + 1) : script;
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

/**
 * Runs Upstash-style command arrays on a Redis server. EVAL gets its shebang stripped;
 * EVALSHA of the original script's hash is mapped to the stripped script's hash once an
 * EVAL has taught the mapping, so the usual EVALSHA → NOSCRIPT → EVAL dance costs one
 * round trip only the first time.
 */
export class RedisCommandRunner {
  private readonly scriptShas = new Map<string, string>();

  constructor(readonly client: IORedis) {}

  async run(command: RedisCommand): Promise<CommandReply> {
    try {
      return { result: await this.client.call(...this.translate(command)) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Commands in order on one connection (`/pipeline`): each gets its own reply or error. */
  async pipeline(commands: readonly RedisCommand[]): Promise<CommandReply[]> {
    return Promise.all(commands.map((command) => this.run(command)));
  }

  /** Commands as one transaction (`/multi-exec`). */
  async multiExec(commands: readonly RedisCommand[]): Promise<CommandReply[]> {
    const transaction = this.client.multi();
    for (const command of commands) {
      const [name, ...args] = this.translate(command);
      transaction.call(name, ...args);
    }
    const replies = (await transaction.exec()) ?? [];
    return replies.map(([error, result]) => (error ? { error: error.message } : { result }));
  }

  private translate(command: RedisCommand): [string, ...(string | number)[]] {
    const [rawName, ...rawArgs] = command;
    const name = String(rawName ?? "");
    const args = rawArgs.map((arg) => (typeof arg === "number" ? arg : String(arg)));
    const upper = name.toUpperCase();
    if ((upper === "EVAL" || upper === "EVAL_RO") && typeof args[0] === "string") {
      const original = args[0];
      const stripped = stripScriptShebang(original);
      if (stripped !== original) this.scriptShas.set(sha1(original), sha1(stripped));
      return [name, stripped, ...args.slice(1)];
    }
    if ((upper === "EVALSHA" || upper === "EVALSHA_RO") && typeof args[0] === "string") {
      return [name, this.scriptShas.get(args[0]) ?? args[0], ...args.slice(1)];
    }
    return [name, ...args];
  }
}

function commandList(body: unknown): RedisCommand[] {
  if (!Array.isArray(body) || !body.every(Array.isArray)) throw new Error("expected a list of commands");
  return body as RedisCommand[];
}

/** An @upstash/redis requester that runs commands on a Redis server through ioredis. */
export function ioredisRequester(runner: RedisCommandRunner): Requester {
  return {
    async request<TResult>(req: { path?: string[]; body?: unknown }) {
      const path = req.path?.[0];
      if (path === "pipeline") return (await runner.pipeline(commandList(req.body))) as { result?: TResult };
      if (path === "multi-exec") return (await runner.multiExec(commandList(req.body))) as { result?: TResult };
      if (!Array.isArray(req.body)) throw new Error("expected a command array");
      return (await runner.run(req.body as RedisCommand)) as { result?: TResult; error?: string };
    },
  };
}

export interface RateLimitRedis {
  /** "redis" (REDIS_URL) or "upstash" (REST). */
  readonly kind: "redis" | "upstash";
  readonly client: UpstashRedis;
  close(): Promise<void>;
}

export interface RateLimitRedisOptions {
  /** Connection-level errors of the ioredis client (reported as events, not rejections). */
  onConnectionError?: (error: Error) => void;
  /** Per-command timeout of the ioredis client (FallbackRateLimiter's deadline decides first). */
  commandTimeoutMs?: number;
}

/** A Redis server (redis:// or rediss://) behind an @upstash/redis client. */
export function redisUrlClient(url: string, options: RateLimitRedisOptions = {}): RateLimitRedis {
  const io = new IORedis(url, {
    // Commands sent while (re)connecting wait for the connection — the first request after
    // start-up must not count as an outage — but only for one reconnection attempt, and
    // FallbackRateLimiter stops waiting after its own timeout anyway.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? ABANDONED_COMMAND_MS,
  });
  io.on("error", (error: Error) => options.onConnectionError?.(error));
  const client = new UpstashRedis(ioredisRequester(new RedisCommandRunner(io)));
  return {
    kind: "redis",
    client,
    async close() {
      io.disconnect();
    },
  };
}

/** Upstash's REST API (or anything speaking it, such as the test bridge). */
export function upstashRestClient(url: string, token: string): RateLimitRedis {
  const client = new UpstashRedis({
    url,
    token,
    // One attempt: the limiter falls back to memory rather than waiting out backoffs.
    retry: false,
    enableTelemetry: false,
  });
  return { kind: "upstash", client, async close() {} };
}

/** REDIS_URL → Redis server; Upstash URL and token → REST; neither → null (in-process limiter). */
export function rateLimitRedisFromEnv(
  env: SharedCacheEnv = process.env,
  options: RateLimitRedisOptions = {},
): RateLimitRedis | null {
  if (env.REDIS_URL) return redisUrlClient(env.REDIS_URL, options);
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return upstashRestClient(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_TOKEN);
  }
  return null;
}
