/**
 * What integrations add to an accounting write: `createCustomer` (a unit of work that
 * collects its events and, after the commit, looks up the workspace's subscribed endpoints
 * and queues a delivery for each) against the baseline — the same insert and audit event in
 * one tenant transaction with no events step. Two variants: workspaces without endpoints
 * (the lookup only) and workspaces with one endpoint subscribed to customer.created (the
 * lookup and one delivery row). Nothing is sent: the dispatcher is not started. Same
 * process, same database, interleaved rounds; prints the ratio of each to the baseline.
 *
 *   npx tsx bench/webhook-publish.ts
 *
 * Database: with BENCH_ADMIN_URL or TEST_DATABASE_URL, a new database bench_<random> on that
 * server (dropped at the end); else embedded PGlite in a temporary DATA_DIR.
 * Knobs: BENCH_TENANTS=20 BENCH_CALLS=400 BENCH_ROUNDS=7 BENCH_CONCURRENCY=4
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { throwawayDatabase, writeBenchResult } from "./support";

const TENANTS = Number(process.env.BENCH_TENANTS ?? 20);
const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

async function main(): Promise<void> {
  let cleanup = async () => undefined as void;
  const admin = process.env.BENCH_ADMIN_URL || process.env.TEST_DATABASE_URL;
  let database = "PGlite";
  delete process.env.DATABASE_URL;
  if (admin) {
    const { name, url, drop } = await throwawayDatabase(admin);
    process.env.DATABASE_URL = url;
    database = `PostgreSQL (fresh database ${name})`;
    cleanup = drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "bench-webhooks-"));
    process.env.DATA_DIR = join(dir, "data");
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
  // Signing secrets are encrypted under a key derived from it (server mode needs it set).
  process.env.AUTH_SECRET ||= randomBytes(33).toString("base64");

  const { migrateMainDatabase } = await import("@/lib/db/bootstrap");
  const { mainConnection } = await import("@/lib/db/connection");
  const { controlDb } = await import("@/lib/db/control");
  const { resetDatabaseClients } = await import("@/lib/db/reset");
  const { createCustomer } = await import("@/lib/accounting/customers");
  const { recordAudit } = await import("@/lib/accounting/audit");
  const { createWebhook } = await import("@/lib/integrations/webhooks");
  const { loadQuotaRow } = await import("@/lib/quotas/store");
  const { runInTenantContext } = await import("@/lib/tenancy/context");
  const { tenantTransaction } = await import("@/lib/tenancy/scoped-client");

  try {
    await migrateMainDatabase(await mainConnection());
    const db = await controlDb();
    const makeTenants = async (label: string, withEndpoint: boolean) => {
      const ids: string[] = [];
      for (let i = 0; i < TENANTS; i++) {
        const slug = `bw-${label}-${i}-${Date.now().toString(36)}`;
        const tenant = await db.tenant.create({
          data: { slug, name: slug, email: `owner@${slug}.test`, tier: "business", status: "active" },
        });
        await loadQuotaRow(tenant.id);
        if (withEndpoint)
          await createWebhook(tenant.id, { url: "http://127.0.0.1:9/hooks", events: ["customer.created"] }, null);
        ids.push(tenant.id);
      }
      return ids;
    };
    const plainTenants = await makeTenants("plain", false);
    const hookedTenants = await makeTenants("hooked", true);
    const contextOf = (id: string) => ({
      tenant: {
        id,
        slug: `b${id.slice(0, 6)}`,
        isolationLevel: "shared_database" as const,
        tier: "business",
        features: { basic_invoicing: true },
      },
      actor: { type: "system" as const, reason: "bench" },
    });
    let n = 0;
    const variants: Record<string, (tenantId: string) => Promise<unknown>> = {
      baseline: (tenantId) =>
        runInTenantContext(contextOf(tenantId), () =>
          tenantTransaction(async (tx) => {
            const row = await tx.customer.create({ data: { name: `Bench ${n++}` } });
            await recordAudit(tx, { action: "customer.created", entityType: "customer", entityId: row.id, after: row });
          }),
        ),
      "createCustomer, no endpoints": (tenantId) =>
        runInTenantContext(contextOf(tenantId), () => createCustomer({ name: `Bench ${n++}` })),
      "createCustomer, 1 subscribed endpoint": (tenantId) =>
        runInTenantContext(contextOf(tenantId), () => createCustomer({ name: `Bench ${n++}` })),
    };
    const tenantsOf = (name: string) => (name.includes("subscribed") ? hookedTenants : plainTenants);

    async function timed(name: string): Promise<number> {
      const run = variants[name];
      const tenants = tenantsOf(name);
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) {
            const i = next++;
            await run(tenants[i % tenants.length]);
          }
        }),
      );
      return performance.now() - start;
    }

    for (const name of Object.keys(variants)) await timed(name); // warm-up
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const names = Object.keys(variants);
      if (round % 2) names.reverse();
      for (const name of names) times[name].push(await timed(name));
    }
    const deliveries = await db.outboundWebhookDelivery.count();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const rows = Object.entries(times).map(([name, ts]) => ({
      name,
      msPerCall: median(ts) / CALLS,
      medianPairRatio: median(ts.map((t, i) => t / times.baseline[i])),
    }));
    console.log(
      `# ${database}, ${CALLS} writes × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, ${TENANTS} workspaces each`,
    );
    console.log("| variant | ms/write | × baseline (median of per-round ratios) |");
    console.log("| --- | ---: | ---: |");
    for (const r of rows) console.log(`| ${r.name} | ${r.msPerCall.toFixed(3)} | ${r.medianPairRatio.toFixed(2)} |`);
    console.log(`deliveries queued: ${deliveries} (one per write of the subscribed variant)`);

    writeBenchResult("webhook-publish", {
      database,
      calls: CALLS,
      rounds: ROUNDS,
      concurrency: CONCURRENCY,
      rows,
      times,
    });
  } finally {
    await resetDatabaseClients();
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
