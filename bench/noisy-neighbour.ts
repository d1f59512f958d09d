/**
 * Noisy neighbour: tenant A sends 20× its rate limit while tenant B works normally. B's
 * latency (p50, p99) with A flooding is compared with B alone, measured in the same run in
 * alternating rounds. Goal: B's p99 with A flooding ≤ 1.2× B's p99 alone.
 *
 *   npm run build && BENCH_ADMIN_URL=postgresql://postgres:…@127.0.0.1:5432/postgres npx tsx bench/noisy-neighbour.ts
 *
 * - A and B are Professional workspaces, provisioned like any signup (limits of
 *   lib/rate-limit/policy.ts, RATE_LIMIT_SCALE=1): 100 calls / 10 s per workspace, 50 per key.
 * - A floods GET /api/v1/customers with BENCH_A_KEYS API keys at 20 × its limit: what it can
 *   get through with those keys (4 keys: its workspace's 10 calls/s → 200 calls/s; 1 key: the
 *   key's 5 calls/s → 100 calls/s), evenly spaced (open loop, from a worker thread so it does
 *   not share B's event loop): ~95% of A's calls are 429s.
 * - B sends GET /api/v1/customers?limit=20 at BENCH_B_RATE calls/s (default 8: inside its
 *   limit) from an open-loop client of its own that times every call (high resolution).
 *   Every B call must be a 200, else the run fails.
 * - Rounds alternate "B alone" and "B with A flooding" (BENCH_ROUNDS pairs of BENCH_SECONDS
 *   each); p50 and p99 are over all of a phase's calls, the ratios compare the two phases.
 *
 * Database: BENCH_ADMIN_URL (or TEST_DATABASE_URL) → a fresh PostgreSQL database, dropped at
 * the end; else PGlite in a temporary DATA_DIR.
 * The server is server.mjs as a front and BENCH_SERVER_WORKERS=2 workers, limits in Redis
 * (decision 0016: what to run against noisy neighbours; a redis-server of the bench's own
 * unless BENCH_REDIS_URL). BENCH_SERVER_WORKERS=1, or PGlite, gives one process as
 * `npm start` runs it (request gate in front of Next; limits in process unless BENCH_REDIS_URL).
 * Knobs: BENCH_PORT=3420 BENCH_SECONDS=20 BENCH_ROUNDS=12 BENCH_B_RATE=8 BENCH_A_KEYS=4
 * BENCH_WARM_UP_SECONDS=15. Diagnostics: BENCH_TRACE=1 prints B's calls over 30 ms per phase
 * (epoch ms of the phase's start, offset, latency), this process's CPU per phase and the
 * server's stdout; BENCH_SERVER_NODE_OPTIONS is the server's NODE_OPTIONS, BENCH_SERVER_ARGS
 * node flags before server.mjs (NODE_OPTIONS refuses some: --trace-gc, --cpu-prof
 * --cpu-prof-dir=/tmp/prof); BENCH_RAW=file.json writes every B call's latency in order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { Worker } from "node:worker_threads";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { testRedis, type TestRedis } from "../test/support/redis";
import { waitForServer, loadAverage, throwawayDatabase } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3420);
const ROOT = `localhost:${PORT}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const B_RATE = Number(process.env.BENCH_B_RATE ?? 8);
const A_KEYS = Number(process.env.BENCH_A_KEYS ?? 4);
const FLOOD_FACTOR = 20;
const PATH_A = "/api/v1/customers";
const PATH_B = "/api/v1/customers?limit=20";
const GOAL = 1.2;
/** Both workspaces' calls before the measured rounds (JIT, caches, pools); with 3 s, round 1 was visibly slower. */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 15);
const SETTLE_SECONDS = 3;

interface BenchTenant {
  slug: string;
  keys: string[];
  /** Calls per second the workspace can get through with its keys (its rate limit). */
  limitPerSecond: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * How much a p99 ratio of these samples moves by chance: the 5th and 95th percentile of the
 * ratio over RESAMPLES bootstrap resamples (each phase's calls drawn with replacement; a
 * fixed seed, so a report can be recomputed). A p99 of ~650 calls is its 7th-slowest call,
 * so this interval is wide; with `alone` twice it is the bench's own noise floor.
 */
function p99RatioInterval(numerator: number[], denominator: number[]): [number, number] {
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const resampledP99 = (values: number[]) => {
    const sample = Float64Array.from(values, () => values[Math.floor(random() * values.length)]).sort();
    return sample[Math.min(sample.length - 1, Math.ceil(0.99 * sample.length) - 1)];
  };
  const ratios = Array.from({ length: RESAMPLES }, () => resampledP99(numerator) / resampledP99(denominator)).sort(
    (x, y) => x - y,
  );
  return [percentile(ratios, 5), percentile(ratios, 95)];
}

const RESAMPLES = 2_000;

/** Two Professional workspaces provisioned the normal way, API keys, 20 customers for B. */
async function seed(): Promise<{ a: BenchTenant; b: BenchTenant }> {
  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { mainConnection } = await import("@/lib/db/connection");
  const { controlDb } = await import("@/lib/db/control");
  const { provisionTenant } = await import("@/lib/tenancy/provisioning");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const { rateLimitsFor } = await import("@/lib/rate-limit/policy");
  const { resetDatabaseClients } = await import("@/lib/db/reset");

  const connection = await mainConnection();
  await migrateMainDatabase(connection);
  const control = await controlDb();
  const make = async (slug: string, keyCount: number): Promise<BenchTenant & { id: string }> => {
    const ownerEmail = `owner@${slug}.test`;
    const result = await provisionTenant({ name: `Bench ${slug}`, slug, tier: "professional", ownerEmail });
    if (result.status !== "active") throw new Error(`provisioning ${slug} failed: ${result.reason}`);
    const owner = await control.user.findUniqueOrThrow({ where: { email: ownerEmail } });
    const keys: string[] = [];
    for (let i = 0; i < keyCount; i++)
      keys.push((await createApiKey({ tenantId: result.tenantId, name: `bench ${i}`, createdById: owner.id })).secret);
    // What the workspace can get through with these keys: its own budget, or the keys' together.
    const { tenant, apiKey } = rateLimitsFor("professional");
    const perSecond = (spec: { requests: number; windowMs: number }) => spec.requests / (spec.windowMs / 1000);
    const limitPerSecond = Math.min(perSecond(tenant), keyCount * perSecond(apiKey));
    return { id: result.tenantId, slug, keys, limitPerSecond };
  };
  const a = await make("noisy-a", A_KEYS);
  const b = await make("quiet-b", 2);
  const values: unknown[] = [];
  const rows = Array.from({ length: 20 }, (_, i) => {
    values.push(b.id, randomUUID(), `Customer ${i + 1}`);
    return `($${values.length - 2}, $${values.length - 1}, $${values.length})`;
  });
  await connection.sql.query(`INSERT INTO customers (tenant_id, id, name) VALUES ${rows.join(", ")}`, values);
  await resetDatabaseClients();
  return { a, b };
}

/** CPU ms (user + system) of a process and its descendants, from /proc (null elsewhere). */
function treeCpuMs(pid: number | undefined): number | null {
  if (!pid || !existsSync(`/proc/${pid}`)) return null;
  const read = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return "";
    }
  };
  let total = 0;
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const stat = read(`/proc/${pids[i]}/stat`);
    if (stat) {
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    }
    for (const task of existsSync(`/proc/${pids[i]}/task`) ? readdirSync(`/proc/${pids[i]}/task`) : []) {
      const children = read(`/proc/${pids[i]}/task/${task}/children`).trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    }
  }
  return total;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One call; resolves with its status and latency in ms (performance.now resolution). */
function timedGet(path: string, host: string, key: string): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      { host: "127.0.0.1", port: PORT, path, agent, headers: { host, authorization: `Bearer ${key}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${path} within 30 s`)));
    req.on("error", reject);
    req.end();
  });
}

/** B's steady work: an open loop at B_RATE calls/s, alternating B's two keys. */
async function tenantBWorks(b: BenchTenant, seconds: number) {
  const host = `${b.slug}.${ROOT}`;
  const calls: Promise<{ status: number; ms: number }>[] = [];
  const interval = 1000 / B_RATE;
  const start = performance.now();
  for (let i = 0; performance.now() - start < seconds * 1000; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    calls.push(timedGet(PATH_B, host, b.keys[i % b.keys.length]));
  }
  const results = await Promise.all(calls);
  const failed = results.filter((r) => r.status !== 200);
  if (failed.length) throw new Error(`B got ${failed.length} non-200 answers (${failed[0].status})`);
  const sorted = results.map((r) => r.ms).sort((x, y) => x - y);
  if (process.env.BENCH_TRACE)
    console.log(
      `# slow B calls at ${(performance.timeOrigin + start).toFixed(0)} (offset s, ms):`,
      results
        .map((r, i) => [i / B_RATE, r.ms])
        .filter(([, ms]) => ms > 30)
        .map(([t, ms]) => `${t.toFixed(1)}:${ms.toFixed(0)}`)
        .join(" "),
    );
  return {
    startedAt: performance.timeOrigin + start,
    raw: results.map((r) => Number(r.ms.toFixed(2))),
    calls: results.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
    latencies: sorted,
  };
}

/**
 * A's flood: FLOOD_FACTOR × A's limit, spread over A's keys, sent at evenly spaced moments
 * (open loop) from a worker thread, so generating it does not delay B's client on this event
 * loop. (autocannon's fixed rate sends each second's calls in one burst at the start of the
 * second; a steady rate is what "20× its limit" means here.)
 */
async function tenantAFloods(a: BenchTenant, seconds: number) {
  const rate = FLOOD_FACTOR * a.limitPerSecond;
  const code = `
    const { workerData, parentPort } = require("node:worker_threads");
    const http = require("node:http");
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const byStatus = {};
    let errors = 0;
    const errorCodes = {};
    const calls = [];
    const interval = 1000 / workerData.rate;
    const start = performance.now();
    const send = (i, retried = false) =>
      new Promise((resolve) => {
        const req = http.request({
          host: "127.0.0.1", port: workerData.port, path: workerData.path, agent,
          headers: { host: workerData.host, authorization: "Bearer " + workerData.keys[i % workerData.keys.length] },
        }, (res) => {
          res.resume();
          res.on("end", () => { byStatus[res.statusCode] = (byStatus[res.statusCode] || 0) + 1; resolve(); });
        });
        req.setTimeout(30000, () => req.destroy(new Error("timeout")));
        req.on("error", (error) => {
          // A kept-alive socket the server closed as this call went out: resent once, as
          // Node's documentation advises for reused sockets (not a refusal of the server).
          if (req.reusedSocket && error.code === "ECONNRESET" && !retried) return resolve(send(i, true));
          errors++;
          errorCodes[error.code || error.message] = (errorCodes[error.code || error.message] || 0) + 1;
          resolve();
        });
        req.end();
      });
    (async () => {
      for (let i = 0; performance.now() - start < workerData.seconds * 1000; i++) {
        const wait = start + i * interval - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        calls.push(send(i));
      }
      await Promise.all(calls);
      agent.destroy();
      parentPort.postMessage({ byStatus, errors, errorCodes });
    })();`;
  const worker = new Worker(code, {
    eval: true,
    workerData: { port: PORT, seconds, rate, path: PATH_A, host: `${a.slug}.${ROOT}`, keys: a.keys },
  });
  const result = await new Promise<{
    errors: number;
    errorCodes: Record<string, number>;
    byStatus: Record<string, number>;
  }>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  const ok = result.byStatus["200"] ?? 0;
  const limited = result.byStatus["429"] ?? 0;
  const sent = Object.values(result.byStatus).reduce((n, count) => n + count, 0) + result.errors;
  return {
    offeredPerSecond: rate,
    sent,
    ok,
    limited,
    other: sent - ok - limited,
    errors: result.errors,
    errorCodes: result.errorCodes,
  };
}

async function main(): Promise<void> {
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  let database: string;
  let dropDatabase = async () => undefined as void;
  let dataDir: string | undefined;
  // What decision 0016 recommends against noisy neighbours: a front and 2 workers, limits in
  // Redis (a redis-server of the bench's own unless BENCH_REDIS_URL). PGlite: one process.
  const workers = admin ? Number(process.env.BENCH_SERVER_WORKERS ?? 2) : 1;
  let redis: TestRedis | undefined;
  let redisUrl = process.env.BENCH_REDIS_URL ?? "";
  if (workers > 1 && !redisUrl) {
    redis = await testRedis();
    redisUrl = redis.url;
  }
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    ROOT_DOMAIN: ROOT,
    SEED_DEMO: "",
    RATE_LIMIT_SCALE: "1",
    REDIS_URL: redisUrl,
    SERVER_WORKERS: workers > 1 ? String(workers) : "",
    UPSTASH_REDIS_REST_URL: "",
    UPSTASH_REDIS_REST_TOKEN: "",
  };
  if (admin) {
    const { name, url, drop } = await throwawayDatabase(admin, "bench_noisy");
    dropDatabase = drop;
    process.env.DATABASE_URL = url;
    Object.assign(serverEnv, {
      DATABASE_URL: url,
      AUTH_SECRET: randomBytes(33).toString("base64"),
      MIGRATE_ON_START: "1",
    });
    database = `PostgreSQL (fresh database ${name})`;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "bench-noisy-"));
    process.env.DATABASE_URL = "";
    process.env.DATA_DIR = join(dataDir, "data");
    Object.assign(serverEnv, { DATABASE_URL: "", DATA_DIR: process.env.DATA_DIR });
    database = "PGlite (embedded, temporary DATA_DIR)";
  }
  const store = redisUrl ? "Redis (REDIS_URL)" : "in process";
  const serverShape = workers > 1 ? `server.mjs: front + ${workers} workers` : "server.mjs: one process";

  let server: ChildProcess | undefined;
  try {
    const { a, b } = await seed();
    const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? "").split(" ").filter(Boolean);
    server = spawn(process.execPath, [...nodeArgs, "server.mjs"], {
      env: { ...serverEnv, PORT: String(PORT), NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS ?? "" },
      stdio: ["ignore", process.env.BENCH_TRACE ? "inherit" : "ignore", "inherit"],
    });
    // Interrupted (Ctrl-C, timeout): stop the server too, it would outlive us otherwise.
    const started = server;
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        started.kill("SIGKILL");
        process.exit(130);
      });
    await waitForServer(PORT, server);

    // Warm-up: JIT, tenant caches, pools; then let A's and B's windows empty.
    await Promise.all([tenantBWorks(b, WARM_UP_SECONDS), tenantAFloods(a, WARM_UP_SECONDS)]);
    await new Promise((r) => setTimeout(r, 21_000));
    // B alone for a few seconds, not measured: after the quiet spell the first calls are
    // slower (a cold process), and the first measured phase is always "B alone" — counted,
    // they made B alone look worse and the ratio better than it is.
    await tenantBWorks(b, SETTLE_SECONDS);

    const loadBefore = loadAverage();
    const alone: Awaited<ReturnType<typeof tenantBWorks>>[] = [];
    const flooded: Awaited<ReturnType<typeof tenantBWorks>>[] = [];
    const floods: Awaited<ReturnType<typeof tenantAFloods>>[] = [];
    // Server CPU (share of one core) per phase.
    const serverCpu = { alone: [] as number[], flood: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (["flood", "alone"] as const) : (["alone", "flood"] as const);
      for (const phase of order) {
        console.log(
          `# ${new Date().toISOString()} round ${round + 1}: ${phase === "alone" ? "B alone" : "B with A flooding"}`,
        );
        const cpuBefore = treeCpuMs(server.pid);
        const clientCpuBefore = process.cpuUsage();
        if (phase === "alone") alone.push(await tenantBWorks(b, SECONDS));
        else {
          const [bResult, aResult] = await Promise.all([tenantBWorks(b, SECONDS), tenantAFloods(a, SECONDS)]);
          flooded.push(bResult);
          floods.push(aResult);
        }
        const cpuAfter = treeCpuMs(server.pid);
        const clientCpu = process.cpuUsage(clientCpuBefore);
        if (process.env.BENCH_TRACE)
          console.log(
            `# client CPU ${phase}: ${((clientCpu.user + clientCpu.system) / 1000 / (SECONDS * 1000)).toFixed(3)} cores`,
          );
        if (cpuBefore !== null && cpuAfter !== null) serverCpu[phase].push((cpuAfter - cpuBefore) / (SECONDS * 1000));
      }
      const i = alone.length - 1;
      console.log(
        `# round ${round + 1}: B alone p50 ${alone[i].p50.toFixed(2)} ms p99 ${alone[i].p99.toFixed(2)} ms; ` +
          `with A flooding p50 ${flooded[i].p50.toFixed(2)} ms p99 ${flooded[i].p99.toFixed(2)} ms; ` +
          `A sent ${floods[i].sent} (${floods[i].ok} × 200, ${floods[i].limited} × 429, ${floods[i].other} other)`,
      );
    }
    const loadAfter = loadAverage();
    for (const flood of floods) {
      if (flood.other > 0 || flood.errors > 0)
        throw new Error(
          `A got ${flood.other} unexpected answers, ${flood.errors} errors ${JSON.stringify(flood.errorCodes)}`,
        );
      // A may pass at most its workspace budget (plus the sliding window's carry-over).
      if (flood.ok > a.limitPerSecond * (SECONDS + 20))
        throw new Error(`A passed ${flood.ok} calls in ${SECONDS} s: the limit did not hold`);
    }
    // Percentiles over all of a phase's calls (pooled rounds: a p99 of a few hundred calls
    // per round is its second-highest value, too jumpy to compare).
    const summary = (runs: typeof alone) => {
      const all = runs.flatMap((r) => r.latencies).sort((x, y) => x - y);
      return {
        calls: all.length,
        p50: percentile(all, 50),
        p99: percentile(all, 99),
        max: all.at(-1)!,
        perRoundP99: runs.map((r) => Number(r.p99.toFixed(2))),
      };
    };
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      loadAverage: { before: loadBefore, after: loadAfter },
      database,
      rateLimitStore: store,
      serverWorkers: workers,
      config: { seconds: SECONDS, rounds: ROUNDS, bRate: B_RATE, aKeys: A_KEYS, floodFactor: FLOOD_FACTOR },
      bAlone: summary(alone),
      bWithAFlooding: summary(flooded),
      serverCpuCores: {
        alone: serverCpu.alone.length ? percentile([...serverCpu.alone].sort(), 50) : null,
        flood: serverCpu.flood.length ? percentile([...serverCpu.flood].sort(), 50) : null,
      },
      aFlood: {
        offeredPerSecond: floods[0]?.offeredPerSecond,
        sent: floods.reduce((n, f) => n + f.sent, 0),
        ok: floods.reduce((n, f) => n + f.ok, 0),
        limited: floods.reduce((n, f) => n + f.limited, 0),
      },
      rounds: {
        alone: alone.map(({ latencies: _, raw: __, ...r }) => r),
        flooded: flooded.map(({ latencies: _, raw: __, ...r }) => r),
        floods,
      },
      p50Ratio: 0,
      p99Ratio: 0,
      goal: GOAL,
      goalMet: false,
    };
    report.p50Ratio = report.bWithAFlooding.p50 / report.bAlone.p50;
    report.p99Ratio = report.bWithAFlooding.p99 / report.bAlone.p99;
    report.goalMet = report.p99Ratio <= GOAL;
    const aloneCalls = alone.flatMap((r) => r.latencies);
    const floodedCalls = flooded.flatMap((r) => r.latencies);
    const interval = p99RatioInterval(floodedCalls, aloneCalls);
    const noiseFloor = p99RatioInterval(aloneCalls, aloneCalls);
    Object.assign(report, { p99RatioInterval90: interval, aloneVsAloneInterval90: noiseFloor });
    console.table([
      {
        run: "B alone",
        calls: report.bAlone.calls,
        "p50 ms": report.bAlone.p50.toFixed(2),
        "p99 ms": report.bAlone.p99.toFixed(2),
      },
      {
        run: `B, A flooding ${report.aFlood.offeredPerSecond}/s`,
        calls: report.bWithAFlooding.calls,
        "p50 ms": report.bWithAFlooding.p50.toFixed(2),
        "p99 ms": report.bWithAFlooding.p99.toFixed(2),
      },
    ]);
    console.log(
      `# ${database}; ${serverShape}; rate limits ${store}; B ${B_RATE} calls/s; A ${report.aFlood.offeredPerSecond} calls/s ` +
        `(${FLOOD_FACTOR}× its limit; ${report.aFlood.limited} × 429, ${report.aFlood.ok} × 200); ` +
        `${ROUNDS} × ${SECONDS} s per phase; load average ${loadBefore.join(" ")} → ${loadAfter.join(" ")}`,
    );
    console.log(
      `# server CPU (cores, median per phase): B alone ${report.serverCpuCores.alone?.toFixed(2) ?? "n/a"}, ` +
        `with A flooding ${report.serverCpuCores.flood?.toFixed(2) ?? "n/a"}`,
    );
    console.log(
      `B p50 ratio ${report.p50Ratio.toFixed(3)}, B p99 ratio ${report.p99Ratio.toFixed(3)} ` +
        `(with A flooding / alone; goal p99 ≤ ${GOAL}: ${report.goalMet ? "met" : "NOT met"})`,
    );
    console.log(
      `# p99 ratio by chance (90 % of ${RESAMPLES} resamples): ${interval.map((r) => r.toFixed(2)).join("–")}; ` +
        `B alone against itself: ${noiseFloor.map((r) => r.toFixed(2)).join("–")}`,
    );
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/noisy-neighbour.json", JSON.stringify(report, null, 2));
    // Every B call's latency in order (BENCH_B_RATE calls/s from startedAt), for looking into a tail.
    if (process.env.BENCH_RAW)
      writeFileSync(
        process.env.BENCH_RAW,
        JSON.stringify({
          bRate: B_RATE,
          alone: alone.map(({ startedAt, raw }) => ({ startedAt, raw })),
          flooded: flooded.map(({ startedAt, raw }) => ({ startedAt, raw })),
        }),
      );
  } finally {
    agent.destroy();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await dropDatabase();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
