import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";

/**
 * A real Redis for tests: REDIS_TEST_URL when set (scripts/test.sh starts one for the run),
 * otherwise a redis-server started here on a free port. `redisAvailable` is false when
 * neither exists (suites then skip; CI installs redis-server).
 */

export const redisAvailable =
  Boolean(process.env.REDIS_TEST_URL) || spawnSync("redis-server", ["--version"]).status === 0;

export interface TestRedis {
  url: string;
  /** An admin connection for assertions and clean-up. */
  admin: Redis;
  /** Stops the server if this helper started it. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A redis-server of our own on `port` (no persistence), ready when this resolves. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined); // refused until it listens
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error("redis-server did not start");
}

export async function stopRedisServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
}

/** REDIS_TEST_URL, or a fresh redis-server of this test file. */
export async function testRedis(): Promise<TestRedis> {
  let child: ChildProcess | undefined;
  let url = process.env.REDIS_TEST_URL;
  if (!url) {
    const port = await freePort();
    child = await startRedisServer(port);
    url = `redis://127.0.0.1:${port}`;
  }
  const admin = new Redis(url);
  return {
    url,
    admin,
    async stop() {
      admin.disconnect();
      await stopRedisServer(child);
    },
  };
}

/** A TCP server that accepts connections and never answers: a Redis that hangs. */
export async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
