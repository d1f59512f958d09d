import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ioredisSharedCache, upstashSharedCache } from "@/lib/tenancy/cache";
import { TenantDirectory } from "@/lib/tenancy/directory";
import { countingLoader, recordingLogger, sleep, tenantRecord } from "./fixtures";

/**
 * The shared layer against a real Redis: REDIS_TEST_URL when set, otherwise a redis-server
 * started here on a free port (apt-get install redis-server); skipped when neither exists.
 */

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
const externalUrl = process.env.REDIS_TEST_URL;
const available = Boolean(externalUrl) || hasRedisServer;

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill();
  await exited;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const probe = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined); // refused connections are expected until the server listens
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

describe.skipIf(!available)("shared layer on a real Redis", () => {
  let server: ChildProcess | undefined;
  let url: string;
  let admin: Redis;
  const prefix = `test:${process.pid}:${Date.now()}:tenant:v1:`;
  const directories: TenantDirectory[] = [];

  function directory(loader: ReturnType<typeof countingLoader>, options: { sharedUrl?: string } = {}) {
    const logger = recordingLogger();
    const created = new TenantDirectory({
      loader,
      shared: ioredisSharedCache(options.sharedUrl ?? url),
      keyPrefix: prefix,
      logger,
      invalidationEchoMs: 0,
      sharedTtlMs: 60_000,
      sharedNegativeTtlMs: 15_000,
    });
    directories.push(created);
    return { directory: created, logger };
  }

  beforeAll(async () => {
    if (externalUrl) {
      url = externalUrl;
    } else {
      const port = await freePort();
      server = await startRedis(port);
      url = `redis://127.0.0.1:${port}`;
    }
    admin = new Redis(url);
  }, 30_000);

  afterAll(async () => {
    for (const d of directories) await d.close();
    if (admin) {
      const keys = await admin.keys(`${prefix}*`).catch(() => []);
      if (keys.length) await admin.del(...keys).catch(() => undefined);
      admin.disconnect();
    }
    await stopRedis(server);
  });

  it("a second process reads what the first one loaded, with the configured TTLs", async () => {
    const acme = tenantRecord({ slug: "acme", domains: ["app.acme.com"] });
    const loaderA = countingLoader([acme]);
    const loaderB = countingLoader([acme]);
    const { directory: a } = directory(loaderA);
    const { directory: b } = directory(loaderB);
    await sleep(100); // let both clients connect (the offline queue is off on purpose)

    expect(await a.byDomain("app.acme.com")).toMatchObject({ id: acme.id });
    expect(await a.bySlug("nobody")).toBeNull();
    await sleep(50);
    expect(await admin.pttl(`${prefix}domain:app.acme.com`)).toBeGreaterThan(55_000);
    const negativeTtl = await admin.pttl(`${prefix}slug:nobody`);
    expect(negativeTtl).toBeGreaterThan(0);
    expect(negativeTtl).toBeLessThanOrEqual(15_000);

    expect(await b.byDomain("app.acme.com")).toMatchObject({ id: acme.id, slug: "acme" });
    expect(await b.bySlug("nobody")).toBeNull();
    expect(loaderB.total()).toBe(0);
  });

  it("the Upstash REST adapter stores, reads and deletes the same entries", async () => {
    // Upstash speaks HTTP (POST / with a JSON command array, base64 results); no npm package
    // serves that locally, so a few lines bridge it to the real Redis.
    const bridge: Server = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const run = async ([command, ...args]: (string | number)[]) => {
          const result = await admin.call(String(command), ...args);
          return { result: typeof result === "string" ? Buffer.from(result).toString("base64") : result };
        };
        res.setHeader("content-type", "application/json");
        try {
          const parsed = JSON.parse(body) as (string | number)[] | (string | number)[][];
          // The client auto-pipelines: POST /pipeline carries a list of commands.
          const reply = req.url?.startsWith("/pipeline")
            ? await Promise.all((parsed as (string | number)[][]).map(run))
            : await run(parsed as (string | number)[]);
          res.end(JSON.stringify(reply));
        } catch (error) {
          res.statusCode = 500;
          res.end(JSON.stringify({ error: String(error) }));
        }
      });
    });
    await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
    const { port } = bridge.address() as { port: number };
    try {
      const initech = tenantRecord({ slug: "initech" });
      const loaderA = countingLoader([initech]);
      const loaderB = countingLoader([initech]);
      const options = { keyPrefix: prefix, invalidationEchoMs: 0, logger: recordingLogger() };
      const a = new TenantDirectory({
        loader: loaderA,
        shared: upstashSharedCache(`http://127.0.0.1:${port}`, "t"),
        ...options,
      });
      const b = new TenantDirectory({
        loader: loaderB,
        shared: upstashSharedCache(`http://127.0.0.1:${port}`, "t"),
        ...options,
      });
      expect(await a.bySlug("initech")).toMatchObject({ id: initech.id });
      await sleep(50);
      expect(await admin.pttl(`${prefix}slug:initech`)).toBeGreaterThan(55_000);
      expect(await b.bySlug("initech")).toMatchObject({ id: initech.id, slug: "initech" });
      expect(loaderB.total()).toBe(0);
      await b.invalidateTenant(initech.id);
      expect(await admin.exists(`${prefix}slug:initech`)).toBe(0);
      expect(options.logger.messages).toEqual([]);
    } finally {
      await new Promise((resolve) => bridge.close(resolve));
    }
  });

  it("invalidateTenant deletes the tenant's keys in Redis", async () => {
    const globex = tenantRecord({ slug: "globex", domains: ["globex.example"] });
    const loader = countingLoader([globex]);
    const { directory: a } = directory(loader);
    await sleep(100);
    await a.byId(globex.id);
    await a.bySlug("globex");
    await a.byDomain("globex.example");
    await sleep(50);
    const keys = [`${prefix}id:${globex.id}`, `${prefix}slug:globex`, `${prefix}domain:globex.example`];
    expect(await admin.exists(...keys)).toBe(3);
    await a.invalidateTenant(globex.id);
    expect(await admin.exists(...keys)).toBe(0);
  });

  it("an unreachable Redis never fails a lookup: the database answers and one line is logged", async () => {
    const closedPort = await freePort();
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    const { directory: dir, logger } = directory(loader, { sharedUrl: `redis://127.0.0.1:${closedPort}` });
    const started = Date.now();
    for (let i = 0; i < 20; i++) expect(await dir.byId(acme.id)).toMatchObject({ slug: "acme" });
    expect(await dir.bySlug("nobody")).toBeNull();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logger.messages).toHaveLength(1);
  });

  it("a process too busy to read Redis's answer in time still gets it: no outage, no database read", async () => {
    const acme = tenantRecord({ slug: "acme" });
    const { directory: a } = directory(countingLoader([acme]));
    const loaderB = countingLoader([acme]);
    const { directory: b, logger } = directory(loaderB);
    await sleep(100); // both connected
    await a.bySlug("acme");
    await sleep(50);
    // b's GET goes out, then this process stalls past the 250 ms deadline while Redis answers.
    const lookup = b.bySlug("acme");
    setImmediate(() => {
      const end = performance.now() + 600;
      while (performance.now() < end);
    });
    expect(await lookup).toMatchObject({ id: acme.id });
    expect(loaderB.total()).toBe(0);
    expect(logger.messages).toEqual([]);
    expect(b.stats().sharedErrors).toBe(0);
  });

  it("a Redis that goes away mid-run is survived the same way", async () => {
    if (externalUrl) return; // not ours to stop
    const port = await freePort();
    const own = await startRedis(port);
    const acme = tenantRecord({ slug: "acme" });
    const loader = countingLoader([acme]);
    const logger = recordingLogger();
    const dir = new TenantDirectory({
      loader,
      shared: ioredisSharedCache(`redis://127.0.0.1:${port}`),
      keyPrefix: prefix,
      logger,
      localTtlMs: 1,
      localNegativeTtlMs: 1,
    });
    directories.push(dir);
    await sleep(100);
    expect(await dir.bySlug("acme")).toMatchObject({ id: acme.id });
    await stopRedis(own);
    await sleep(100);
    for (let i = 0; i < 5; i++) {
      expect(await dir.bySlug("acme")).toMatchObject({ id: acme.id });
      await sleep(5);
    }
    expect(logger.messages).toHaveLength(1);
  });
});
