/**
 * HTTP list route against an unscoped baseline route: GET /api/v1/invoices?limit=20 (tenant
 * context, scoped client: one tenant transaction + Prisma extension + Postgres RLS) against
 * GET /api/bench/invoices?limit=20 (the same tenant resolution, API key check and query, but
 * the unscoped client with a hand-written `where: { tenantId }`). One server (server.mjs), one
 * database, 100 tenants round-robin (each request its tenant's Host and API key),
 * alternating rounds of equal connections and duration. Goal: scoped ≥ 0.85× the baseline's
 * requests per second (median of the per-round ratios). Also reported: CPU ms per request of
 * the server process tree and of the database backends (Linux /proc), whose scoped/unscoped
 * ratio is much less disturbed by other load on the machine than requests per second.
 *
 *   npm run build && BENCH_ADMIN_URL=postgresql://postgres:…@127.0.0.1:5432/postgres npx tsx bench/http-list.ts
 *
 * Database: with BENCH_ADMIN_URL (or TEST_DATABASE_URL) a fresh PostgreSQL database
 * bench_http_<random> on that server, dropped at the end (preferred); else embedded PGlite
 * in a temporary DATA_DIR, seeded before the server starts (PGlite allows one process).
 * Knobs: BENCH_PORT=3410 BENCH_SECONDS=10 BENCH_ROUNDS=5 BENCH_CONNECTIONS=10 BENCH_TENANTS=100
 */
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { waitForServer, loadAverage, throwawayDatabase } from "./support";

const PORT = Number(process.env.BENCH_PORT ?? 3410);
const ROOT = `localhost:${PORT}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);
const INVOICES = 20;
const LINES = 3;
const ROUTES = { scoped: "/api/v1/invoices?limit=20", baseline: "/api/bench/invoices?limit=20" } as const;
type Variant = keyof typeof ROUTES;

interface BenchTenant {
  id: string;
  slug: string;
  key: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medianOrNull = (values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? median(known) : null;
};

/** Tenants (tier professional: api_access on), one API key each, 20 invoices × 3 lines. */
async function seed(): Promise<BenchTenant[]> {
  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { mainConnection } = await import("@/lib/db/connection");
  const { controlDb } = await import("@/lib/db/control");
  const { createApiKey } = await import("@/lib/auth/api-keys");
  const { resetDatabaseClients } = await import("@/lib/db/reset");

  const connection = await mainConnection();
  await migrateMainDatabase(connection);
  const control = await controlDb();
  const sql = connection.sql;
  const owner = await control.user.create({ data: { email: `bench-${randomUUID()}@bench.test`, name: "Bench" } });
  const tenants: BenchTenant[] = [];
  const t0 = performance.now();
  for (let n = 0; n < TENANTS; n++) {
    const slug = `bench${String(n).padStart(3, "0")}`;
    const tenant = await control.tenant.create({
      data: {
        slug,
        name: `Bench tenant ${n}`,
        email: `owner@${slug}.test`,
        tier: "professional",
        status: "active",
        isolationLevel: "shared_database",
        ownerId: owner.id,
        settings: { create: { defaultCurrency: "USD" } },
      },
    });
    const key = await createApiKey({ tenantId: tenant.id, name: "bench", createdById: owner.id });
    tenants.push({ id: tenant.id, slug, key: key.secret });

    // Business rows by SQL as the migration owner (bypasses RLS, like a restore would).
    const customerId = randomUUID();
    await sql.query(`INSERT INTO customers (tenant_id, id, name) VALUES ($1, $2, $3)`, [
      tenant.id,
      customerId,
      `Bench customer ${n}`,
    ]);
    const invoiceIds = Array.from({ length: INVOICES }, () => randomUUID());
    const invoiceValues: unknown[] = [];
    const invoiceRows = invoiceIds.map((id, i) => {
      const p = invoiceValues.length;
      invoiceValues.push(
        tenant.id,
        id,
        `INV-${String(i + 1).padStart(4, "0")}`,
        customerId,
        ["draft", "sent", "paid"][i % 3],
        new Date(Date.UTC(2026, 0, 1 + i)),
        new Date(Date.UTC(2026, 1, 1 + i)),
        300 * (i + 1),
        60 * (i + 1),
        360 * (i + 1),
        new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      );
      return `(${Array.from({ length: 11 }, (_, k) => `$${p + k + 1}`).join(", ")})`;
    });
    await sql.query(
      `INSERT INTO invoices (tenant_id, id, number, customer_id, status, issue_date, due_date,
         subtotal_minor, tax_minor, total_minor, created_at) VALUES ${invoiceRows.join(", ")}`,
      invoiceValues,
    );
    const lineValues: unknown[] = [];
    const lineRows = invoiceIds.flatMap((invoiceId, i) =>
      Array.from({ length: LINES }, (_, position) => {
        const p = lineValues.length;
        lineValues.push(tenant.id, invoiceId, position, `Line ${position}`, 1, 100 * (i + 1), 2000, 100 * (i + 1));
        return `(${Array.from({ length: 8 }, (_, k) => `$${p + k + 1}`).join(", ")})`;
      }),
    );
    await sql.query(
      `INSERT INTO invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_price_minor,
         tax_rate_bps, amount_minor) VALUES ${lineRows.join(", ")}`,
      lineValues,
    );
  }
  await sql.exec("ANALYZE");
  console.log(
    `# data: ${TENANTS} tenants × ${INVOICES} invoices × ${LINES} lines, ${TENANTS} API keys, ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  // Release the database before the server opens it (required for PGlite: one process).
  await resetDatabaseClients();
  return tenants;
}

/** One request through the real HTTP stack; fetch cannot set Host, so this uses node:http. */
async function get(path: string, tenant: BenchTenant, key = tenant.key): Promise<{ status: number; body: unknown }> {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: PORT,
        path,
        headers: { host: `${tenant.slug}.${ROOT}`, authorization: `Bearer ${key}` },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode ?? 0, body: text });
          }
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function checkCorrectness(tenants: BenchTenant[]): Promise<string[]> {
  const notes: string[] = [];
  const sample = [0, 1, Math.floor(tenants.length / 2), tenants.length - 1].map((i) => tenants[i]);
  for (const tenant of sample) {
    const scoped = await get(ROUTES.scoped, tenant);
    const baseline = await get(ROUTES.baseline, tenant);
    if (scoped.status !== 200 || baseline.status !== 200)
      throw new Error(
        `${tenant.slug}: status scoped ${scoped.status} ${JSON.stringify(scoped.body)}, baseline ${baseline.status} ${JSON.stringify(baseline.body)}`,
      );
    const ids = (r: { body: unknown }) => (r.body as { data: { id: string }[] }).data.map((d) => d.id);
    if (ids(scoped).length !== INVOICES || JSON.stringify(ids(scoped)) !== JSON.stringify(ids(baseline)))
      throw new Error(`${tenant.slug}: scoped and baseline return different invoices`);
    if (JSON.stringify(scoped.body) !== JSON.stringify(baseline.body))
      throw new Error(`${tenant.slug}: scoped and baseline bodies differ`);
  }
  notes.push(
    `${sample.length} sample tenants: both routes 200, same ${INVOICES} invoice ids in the same order, identical bodies`,
  );
  // Another tenant's key is refused by both (the baseline keeps the real auth).
  const [a, b] = tenants;
  for (const [variant, path] of Object.entries(ROUTES)) {
    const res = await get(path, a, b.key);
    if (res.status !== 401) throw new Error(`${variant}: another tenant's key gave ${res.status}, expected 401`);
  }
  notes.push("another tenant's key: 401 on both routes");
  return notes;
}

/**
 * CPU time (ms) of the server's process tree and of the database's backends: a measure of
 * work per request that other load on the machine disturbs much less than requests/s does.
 * Linux /proc only (null elsewhere); assumes 100 clock ticks per second.
 */
const cpuProbe: { serverPid?: number; admin?: string; database?: string } = {};

function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const dir = `/proc/${pids[i]}/task`;
    if (!existsSync(dir)) continue;
    for (const tid of readdirSyncSafe(dir)) {
      const children = readFileSafe(`${dir}/${tid}/children`);
      if (children) pids.push(...children.trim().split(/\s+/).filter(Boolean).map(Number));
    }
  }
  return pids;
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readFileSafe(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function cpuMs(pid: number): number | null {
  const stat = readFileSafe(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, ticks → ms
}

async function databasePids(): Promise<number[]> {
  if (!cpuProbe.admin || !cpuProbe.database) return [];
  const client = new pg.Client({ connectionString: cpuProbe.admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [
      cpuProbe.database,
    ]);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

async function cpuSnapshot(): Promise<{ server: Map<number, number>; db: Map<number, number> } | null> {
  if (!cpuProbe.serverPid || !existsSync("/proc")) return null;
  const read = (pids: number[]) =>
    new Map(pids.flatMap((pid) => (cpuMs(pid) === null ? [] : [[pid, cpuMs(pid)!] as [number, number]])));
  return { server: read(processTree(cpuProbe.serverPid)), db: read(await databasePids()) };
}

/** CPU ms spent between two snapshots (processes born in between count from zero). */
function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function run(variant: Variant, tenants: BenchTenant[], seconds: number) {
  let next = 0;
  const cpuBefore = await cpuSnapshot();
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections: CONNECTIONS,
    duration: seconds,
    // One shared counter: requests go to the tenants strictly round-robin across connections.
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const tenant = tenants[next++ % tenants.length];
          return {
            ...request,
            path: ROUTES[variant],
            headers: { host: `${tenant.slug}.${ROOT}`, authorization: `Bearer ${tenant.key}` },
          };
        },
      },
    ],
  });
  const cpuAfter = await cpuSnapshot();
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0)
    throw new Error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  const perRequest = (pick: "server" | "db") =>
    cpuBefore && cpuAfter ? cpuDelta(cpuBefore[pick], cpuAfter[pick]) / result.requests.total : null;
  return {
    variant,
    rps: result.requests.average,
    requests: result.requests.total,
    meanMs: result.latency.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    serverCpuMsPerRequest: perRequest("server"),
    dbCpuMsPerRequest: perRequest("db"),
  };
}

async function main(): Promise<void> {
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  let database: string;
  let dropDatabase = async () => undefined as void;
  let dataDir: string | undefined;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    BENCH_ROUTES: "1",
    // Both routes pass the same rate limiter; lifted so that neither is throttled mid-round.
    RATE_LIMIT_SCALE: "1000",
    ROOT_DOMAIN: ROOT,
    SEED_DEMO: "",
  };
  if (admin) {
    const { name, url, drop } = await throwawayDatabase(admin, "bench_http");
    dropDatabase = drop;
    process.env.DATABASE_URL = url;
    Object.assign(serverEnv, {
      DATABASE_URL: url,
      AUTH_SECRET: randomBytes(33).toString("base64"),
      MIGRATE_ON_START: "1",
    });
    database = `PostgreSQL ${await serverVersion(admin)} (fresh database ${name})`;
    Object.assign(cpuProbe, { admin, database: name });
  } else {
    dataDir = mkdtempSync(join(tmpdir(), "bench-http-"));
    process.env.DATABASE_URL = "";
    process.env.DATA_DIR = join(dataDir, "data");
    Object.assign(serverEnv, { DATABASE_URL: "", DATA_DIR: process.env.DATA_DIR });
    database = "PGlite (embedded, temporary DATA_DIR)";
  }

  let server: ChildProcess | undefined;
  try {
    const tenants = await seed();
    server = spawn(process.execPath, ["server.mjs"], {
      env: { ...serverEnv, PORT: String(PORT) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    cpuProbe.serverPid = server.pid;
    await waitForServer(PORT, server);
    const checks = await checkCorrectness(tenants);
    for (const note of checks) console.log(`# check: ${note}`);

    // Warm-up (JIT, directory cache of all 100 tenants, pools), then alternating rounds.
    await run("scoped", tenants, 3);
    await run("baseline", tenants, 3);
    const loadBefore = loadAverage();
    type Run = Awaited<ReturnType<typeof run>>;
    const rounds: Array<Record<Variant, Run>> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const order: Variant[] = i % 2 ? ["baseline", "scoped"] : ["scoped", "baseline"];
      const round = {} as Record<Variant, Run>;
      for (const variant of order) round[variant] = await run(variant, tenants, SECONDS);
      rounds.push(round);
      console.log(
        `# round ${i + 1}: scoped ${round.scoped.rps.toFixed(0)} req/s, baseline ${round.baseline.rps.toFixed(0)} req/s, ` +
          `ratio ${(round.scoped.rps / round.baseline.rps).toFixed(3)}`,
      );
    }
    const loadAfter = loadAverage();
    const summary = (variant: Variant) => ({
      rps: median(rounds.map((r) => r[variant].rps)),
      meanMs: median(rounds.map((r) => r[variant].meanMs)),
      p50: median(rounds.map((r) => r[variant].p50)),
      p99: median(rounds.map((r) => r[variant].p99)),
      serverCpuMsPerRequest: medianOrNull(rounds.map((r) => r[variant].serverCpuMsPerRequest)),
      dbCpuMsPerRequest: medianOrNull(rounds.map((r) => r[variant].dbCpuMsPerRequest)),
    });
    const throughputRatio = median(rounds.map((r) => r.scoped.rps / r.baseline.rps));
    // Work per request, scoped / baseline (server + database CPU): steadier on a busy machine.
    const cpuRatio = medianOrNull(
      rounds.map((r) => {
        const total = (run: Run) =>
          run.serverCpuMsPerRequest === null ? null : run.serverCpuMsPerRequest + (run.dbCpuMsPerRequest ?? 0);
        const s = total(r.scoped);
        const b = total(r.baseline);
        return s === null || b === null ? null : s / b;
      }),
    );
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      loadAverage: { before: loadBefore, after: loadAfter },
      database,
      config: {
        tenants: TENANTS,
        invoices: INVOICES,
        lines: LINES,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
      },
      routes: ROUTES,
      checks,
      rounds,
      median: { scoped: summary("scoped"), baseline: summary("baseline") },
      throughputRatio,
      cpuPerRequestRatio: cpuRatio,
      goal: 0.85,
      goalMet: throughputRatio >= 0.85,
    };
    console.table(
      (["baseline", "scoped"] as const).map((v) => ({
        route: ROUTES[v],
        "req/s": Math.round(report.median[v].rps),
        "mean ms": report.median[v].meanMs.toFixed(2),
        "p50 ms": report.median[v].p50,
        "p99 ms": report.median[v].p99,
        "server CPU ms/req": report.median[v].serverCpuMsPerRequest?.toFixed(2) ?? "n/a",
        "db CPU ms/req": report.median[v].dbCpuMsPerRequest?.toFixed(2) ?? "n/a",
      })),
    );
    console.log(
      `# ${database}; ${CONNECTIONS} connections × ${SECONDS} s × ${ROUNDS} rounds, ${TENANTS} tenants round-robin; ` +
        `load average ${loadBefore.join(" ")} → ${loadAfter.join(" ")}`,
    );
    console.log(
      `scoped/unscoped throughput ${throughputRatio.toFixed(3)} (median of per-round ratios; goal ≥ 0.85: ` +
        `${report.goalMet ? "met" : "NOT met"}); CPU per request scoped/unscoped ` +
        `${cpuRatio === null ? "n/a" : cpuRatio.toFixed(3)} (median per round, server + database)`,
    );
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/http-list.json", JSON.stringify(report, null, 2));
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await dropDatabase();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]?.server_version ?? "?";
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
