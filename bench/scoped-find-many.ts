/**
 * Tenant scoping cost: "the 20 newest invoices with their lines" of a tenant, 100 tenants
 * round-robin, through
 *   - the scoped client (extension + RLS), as a read-only unit of work
 *     (`tenantTransaction`) and as a bare model call — both send the tenant's set_config and
 *     the query pipelined as one implicit transaction (lib/db/statement-scope.ts) — against
 *   - the plain unscoped client with a hand-written `where: { tenantId }` (the baseline),
 * same process, same data, interleaved rounds. Prints the time ratio (goal ≤ 1.3×).
 *
 *   npx tsx bench/scoped-find-many.ts
 *
 * Database: DATABASE_URL if set (used as is: the tables are created and filled with
 * bench tenants, so point it at a throwaway database); else, with BENCH_ADMIN_URL or
 * TEST_DATABASE_URL, a new database bench_<random> on that server (dropped at the end);
 * else embedded PGlite in a temporary DATA_DIR.
 * Knobs: BENCH_TENANTS=100 BENCH_CALLS=1000 BENCH_ROUNDS=7 BENCH_CONCURRENCY=4
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { throwawayDatabase } from "./support";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);
const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const INVOICES = 20;
const LINES = 3;

async function main(): Promise<void> {
  let cleanup = async () => undefined as void;
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  let database = "PGlite";
  if (process.env.DATABASE_URL) {
    database = "PostgreSQL (DATABASE_URL)";
  } else if (admin) {
    const { name, url, drop } = await throwawayDatabase(admin);
    process.env.DATABASE_URL = url;
    database = `PostgreSQL (fresh database ${name})`;
    cleanup = drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "bench-scoped-"));
    process.env.DATA_DIR = join(dir, "data");
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }

  // Imported after the environment is set: the connection is read from it.
  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { mainConnection } = await import("@/lib/db/connection");
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  const { runInTenantContext } = await import("@/lib/tenancy/context");
  const { scopedTenantClient, tenantTransaction } = await import("@/lib/tenancy/scoped-client");
  const { sharedTenantPlane } = await import("@/lib/tenancy/tenant-client");

  try {
    const connection = await mainConnection();
    await migrateMainDatabase(connection);
    const plain = await sharedTenantPlane();
    const scoped = await scopedTenantClient();

    // ---- data: TENANTS × 20 invoices × 3 lines
    const tenants = Array.from({ length: TENANTS }, () => randomUUID());
    const t0 = performance.now();
    for (const [n, tenantId] of tenants.entries()) {
      const customer = await plain.customer.create({ data: { tenantId, name: `Bench customer ${n}` } });
      const invoices = Array.from({ length: INVOICES }, (_, i) => ({
        tenantId,
        id: randomUUID(),
        number: `B-${i}`,
        customerId: customer.id,
        issueDate: new Date(Date.UTC(2026, 0, 1 + i)),
        dueDate: new Date(Date.UTC(2026, 1, 1 + i)),
        totalMinor: 300 * (i + 1),
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      }));
      await plain.invoice.createMany({ data: invoices });
      await plain.invoiceLine.createMany({
        data: invoices.flatMap((inv) =>
          Array.from({ length: LINES }, (_, position) => ({
            tenantId,
            invoiceId: inv.id,
            position,
            description: `Line ${position}`,
            quantity: 1,
            unitPriceMinor: 100,
            amountMinor: 100,
          })),
        ),
      });
    }
    if (connection.mode === "server") await connection.pool.query("ANALYZE");
    else await connection.pglite.query("ANALYZE");
    console.log(
      `# data: ${TENANTS} tenants × ${INVOICES} invoices × ${LINES} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    const query = {
      orderBy: { createdAt: "desc" as const },
      take: 20,
      include: { lines: { orderBy: { position: "asc" as const } } },
    };
    const contextOf = (id: string) => ({
      tenant: {
        id,
        slug: `b${id.slice(0, 6)}`,
        isolationLevel: "shared_database" as const,
        tier: "business",
        features: {},
      },
      actor: { type: "system" as const, reason: "bench" },
    });
    const variants = {
      baseline: (tenantId: string) => plain.invoice.findMany({ where: { tenantId }, ...query }),
      scoped: (tenantId: string) =>
        runInTenantContext(contextOf(tenantId), () => tenantTransaction((db) => db.invoice.findMany(query))),
      "scoped, bare call": (tenantId: string) =>
        runInTenantContext(contextOf(tenantId), () => scoped.invoice.findMany(query)),
    };

    // Correctness first: same rows both ways.
    for (const tenantId of tenants.slice(0, 3)) {
      const a = await variants.baseline(tenantId);
      const b = await variants.scoped(tenantId);
      if (a.length !== 20 || a[0].lines.length !== LINES || JSON.stringify(a) !== JSON.stringify(b)) {
        throw new Error("scoped and baseline results differ");
      }
    }

    // Queries sent per call (each one write and one reply wait), counted where every pg
    // query, pipelined or not, is handed to the connection (server mode only).
    const roundTrips: Record<string, number | null> = {};
    if (connection.mode === "server") {
      const proto = (pg as unknown as { Query: { prototype: { submit: (...args: unknown[]) => unknown } } }).Query
        .prototype;
      const original = proto.submit;
      let count = 0;
      proto.submit = function (this: unknown, ...args: unknown[]) {
        count++;
        return original.apply(this, args);
      };
      for (const [name, run] of Object.entries(variants)) {
        await run(tenants[0]);
        count = 0;
        for (let i = 0; i < 10; i++) await run(tenants[i % TENANTS]);
        roundTrips[name] = count / 10;
      }
      proto.submit = original;
    }

    // Node CPU time (user + system) spent per variant: the app-side cost, which wall time
    // on a busy machine blurs.
    const cpuMicros: Record<string, number> = Object.fromEntries(Object.keys(variants).map((k) => [k, 0]));
    async function timed(run: (tenantId: string) => Promise<unknown>, offset: number): Promise<number> {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) {
            const i = next++;
            await run(tenants[(i + offset) % TENANTS]);
          }
        }),
      );
      return performance.now() - start;
    }

    // Warm-up, then interleaved rounds (the order alternates per round).
    for (const run of Object.values(variants)) await timed(run, 0);
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const entries = Object.entries(variants);
      if (round % 2) entries.reverse();
      for (const [name, run] of entries) {
        const cpu = process.cpuUsage();
        times[name].push(await timed(run, round * 7));
        const used = process.cpuUsage(cpu);
        cpuMicros[name] += used.user + used.system;
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const baseline = median(times.baseline);
    const rows = Object.entries(times).map(([name, ts]) => {
      const ms = median(ts);
      const perRound = ts.map((t, i) => t / times.baseline[i]);
      return {
        name,
        callsPerSecond: Math.round((CALLS / ms) * 1000),
        msPerCall: ms / CALLS,
        timeRatio: ms / baseline,
        medianPairRatio: median(perRound),
        roundTrips: roundTrips[name] ?? null,
        nodeCpuMsPerCall: cpuMicros[name] / 1000 / (CALLS * ROUNDS),
      };
    });

    console.log(
      `# ${database}, ${CALLS} calls × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${TENANTS} tenants round-robin`,
    );
    console.log(
      "| variant | calls/s | ms/call | time × baseline | median of per-round ratios | round trips/call | Node CPU ms/call |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.callsPerSecond} | ${r.msPerCall.toFixed(3)} | ${r.timeRatio.toFixed(2)} | ${r.medianPairRatio.toFixed(2)} | ${r.roundTrips ?? "n/a"} | ${r.nodeCpuMsPerCall.toFixed(3)} |`,
      );
    }
    const scopedRow = rows.find((r) => r.name === "scoped")!;
    console.log(
      `goal: scoped ≤ 1.3× baseline time: ${scopedRow.medianPairRatio <= 1.3 ? "met" : "NOT met"} (${scopedRow.medianPairRatio.toFixed(2)}×)`,
    );

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      loadAverage1mAtEnd: loadavg()[0],
      database,
      tenants: TENANTS,
      calls: CALLS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      rows,
      times,
    };
    const out = join(dirname(fileURLToPath(import.meta.url)), "results", "scoped-find-many.json");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await resetDatabaseClients();
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
