/**
 * 1,000 schema-level tenants on one PostgreSQL database:
 *
 * 1. creates them (provisionTenantPlane: schema t_<id> migrated to the current version);
 * 2. migrates all of them by one new migration through migrateTenantPlanes (canary first,
 *    then BENCH_MIGRATE_CONCURRENCY at once) — goal ≤ 30 s;
 * 3. touches every tenant through the scoped client (a write and a read in its context), twice,
 *    and reports the process's RSS and connections before and after — goal: RSS growth
 *    ≤ 200 MB. Schema clients live in a bounded LRU (TENANT_SCHEMA_CLIENTS, default 64), all
 *    over the one main pool (DATABASE_POOL_MAX, default 10).
 *
 *   BENCH_ADMIN_URL=postgresql://postgres:…@127.0.0.1:5432/postgres npx tsx bench/schema-tenants.ts
 *
 * Database: a new database bench_<random> on the server of BENCH_ADMIN_URL (or
 * TEST_DATABASE_URL), dropped at the end. Knobs: BENCH_TENANTS=1000
 * BENCH_PROVISION_CONCURRENCY=4 BENCH_MIGRATE_CONCURRENCY=8 BENCH_TOUCH_CONCURRENCY=4.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { adminQuery, throwawayDatabase } from "./support";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const PROVISION_CONCURRENCY = Number(process.env.BENCH_PROVISION_CONCURRENCY ?? 4);
const MIGRATE_CONCURRENCY = Number(process.env.BENCH_MIGRATE_CONCURRENCY ?? 8);
const TOUCH_CONCURRENCY = Number(process.env.BENCH_TOUCH_CONCURRENCY ?? 4);
const MIGRATE_GOAL_S = 30;
const RSS_GOAL_MB = 200;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

async function eachLimited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await fn(items[index], index);
      }
    }),
  );
}

const mb = (bytes: number) => bytes / 1024 / 1024;

/** RSS and heap after two full collections (what stays, not what is waiting to be freed). */
async function settledMemory(): Promise<{ rss: number; heapUsed: number; external: number }> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
}

async function main(): Promise<void> {
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error("Set BENCH_ADMIN_URL (or TEST_DATABASE_URL) to an admin URL of a PostgreSQL server");
  const { name, url, drop } = await throwawayDatabase(admin);
  process.env.DATABASE_URL = url;
  const loadAtStart = loadavg();

  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { checksum, loadMigrations } = await import("@/lib/db/migrations");
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  const { runInTenantContext } = await import("@/lib/tenancy/context");
  const { migrateTenantPlanes, provisionTenantPlane, tenantPlaneGauges } =
    await import("@/lib/tenancy/isolation/planes");
  const { scopedTenantClient, tenantTransaction } = await import("@/lib/tenancy/scoped-client");

  const connectionsOfBench = async () =>
    (
      await adminQuery(
        admin,
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`,
        [name],
      )
    ).rows[0].n as number;

  try {
    await migrateMainDatabase();
    const tenants = Array.from({ length: TENANTS }, () => ({ id: randomUUID(), isolationLevel: "schema" as const }));

    // ── 1. the schemas
    let t = performance.now();
    await eachLimited(tenants, PROVISION_CONCURRENCY, async (tenant) => {
      await provisionTenantPlane(tenant);
    });
    const provisionS = (performance.now() - t) / 1000;
    console.log(
      `# ${TENANTS} schema tenants created in ${provisionS.toFixed(1)} s (${((provisionS * 1000 * PROVISION_CONCURRENCY) / TENANTS).toFixed(0)} ms each, ${PROVISION_CONCURRENCY} at once)`,
    );

    // ── 2. one new migration to all of them
    const base = loadMigrations("tenant");
    const latest = base.at(-1)!.version;
    const next = String(Number(latest) + 1).padStart(latest.length, "0");
    const sql = "ALTER TABLE customers ADD COLUMN loyalty_tier text;\n";
    const migrations = [...base, { version: next, name: "bench_loyalty_tier", sql, checksum: checksum(sql) }];
    let canaryMs = 0;
    t = performance.now();
    const report = await migrateTenantPlanes(tenants, {
      migrations,
      concurrency: MIGRATE_CONCURRENCY,
      onProgress: (e) => {
        if (e.canary && e.phase === "done") canaryMs = performance.now() - t;
      },
    });
    const migrateS = (performance.now() - t) / 1000;
    if (!report.ok || report.migrated !== TENANTS || report.results.some((r) => r.version !== next)) {
      throw new Error(`migration failed: ${report.failed} failed, ${report.skipped} skipped`);
    }
    console.log(
      `# migration ${next} applied to ${report.migrated} schemas in ${migrateS.toFixed(1)} s ` +
        `(canary ${canaryMs.toFixed(0)} ms, then ${MIGRATE_CONCURRENCY} at once): goal ≤ ${MIGRATE_GOAL_S} s, ` +
        `${(migrateS / MIGRATE_GOAL_S).toFixed(2)} of the goal, ${migrateS <= MIGRATE_GOAL_S ? "met" : "NOT met"}`,
    );

    // ── 3. RSS and connections after touching every tenant
    const scoped = await scopedTenantClient();
    const contextOf = (id: string) => ({
      tenant: { id, slug: `s-${id.slice(0, 8)}`, isolationLevel: "schema" as const, tier: "business", features: {} },
      actor: { type: "system" as const, reason: "bench" },
    });
    // One tenant touched first, so the baseline includes one client and the query plans.
    await runInTenantContext(contextOf(tenants[0].id), () => scoped.customer.count());
    const before = await settledMemory();
    const connectionsBefore = await connectionsOfBench();
    let peakRss = before.rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const passes: Array<{ seconds: number; memory: Awaited<ReturnType<typeof settledMemory>>; connections: number }> =
      [];
    try {
      for (let pass = 1; pass <= 2; pass++) {
        t = performance.now();
        await eachLimited(tenants, TOUCH_CONCURRENCY, async (tenant, i) => {
          const ctx = contextOf(tenant.id);
          await runInTenantContext(ctx, () =>
            tenantTransaction((db) => db.customer.create({ data: { name: `Touched ${pass}.${i}` } })),
          );
          const rows = await runInTenantContext(ctx, () => scoped.customer.findMany());
          if (rows.length !== pass || rows.some((r) => r.tenantId !== tenant.id)) {
            throw new Error(`tenant ${tenant.id} read ${rows.length} rows`);
          }
        });
        const seconds = (performance.now() - t) / 1000;
        const connections = await connectionsOfBench();
        passes.push({ seconds, memory: await settledMemory(), connections });
      }
    } finally {
      clearInterval(sampler);
    }
    const gauges = await tenantPlaneGauges();
    const growth = mb(passes.at(-1)!.memory.rss - before.rss);
    const loadAtEnd = loadavg();

    console.log(
      `# touching ${TENANTS} schema tenants (a scoped write and read each, ${TOUCH_CONCURRENCY} at once), twice; ` +
        `${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, Node ${process.version}; ` +
        `load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at end`,
    );
    console.log("| when | RSS MB | heap used MB | external MB | connections to the database | touch time s |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    const row = (label: string, m: { rss: number; heapUsed: number; external: number }, c: number, s?: number) =>
      console.log(
        `| ${label} | ${mb(m.rss).toFixed(0)} | ${mb(m.heapUsed).toFixed(0)} | ${mb(m.external).toFixed(0)} | ${c} | ${s === undefined ? "" : s.toFixed(1)} |`,
      );
    row("before (1 tenant touched)", before, connectionsBefore);
    passes.forEach((p, i) => row(`after pass ${i + 1}`, p.memory, p.connections, p.seconds));
    console.log(
      `\nRSS growth after touching ${TENANTS} schema tenants: ${growth.toFixed(0)} MB (peak during the passes ` +
        `${mb(peakRss - before.rss).toFixed(0)} MB above the baseline): goal ≤ ${RSS_GOAL_MB} MB, ` +
        `${growth <= RSS_GOAL_MB ? "met" : "NOT met"}. Schema clients open ${gauges.schemaClients.open} of at most ` +
        `${gauges.schemaClients.max} (${gauges.schemaClients.evictions} evicted).`,
    );

    const out = join(dirname(fileURLToPath(import.meta.url)), "results", "schema-tenants.json");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          cpu: cpus()[0]?.model ?? "unknown",
          cores: cpus().length,
          loadAverageAtStart: loadAtStart,
          loadAverageAtEnd: loadAtEnd,
          tenants: TENANTS,
          provisionSeconds: provisionS,
          migrate: { seconds: migrateS, canaryMs, concurrency: MIGRATE_CONCURRENCY, goalSeconds: MIGRATE_GOAL_S },
          memory: {
            beforeBytes: before,
            passes,
            peakRssBytes: peakRss,
            rssGrowthMb: growth,
            goalMb: RSS_GOAL_MB,
          },
          connectionsBefore,
          gauges,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`raw results: ${out}`);
  } finally {
    await resetDatabaseClients();
    await drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
