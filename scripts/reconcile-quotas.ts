// `npx tsx scripts/reconcile-quotas.ts [slug …]`: recomputes the quota counters that can be
// recounted (users, products, projects, invoices this period) for every tenant, or the
// named ones, and prints what it repaired. Safe to run at any time and to repeat; run it
// from cron (e.g. hourly) against the database the environment names.
import { closeMainConnection } from "@/lib/db/connection";
import { controlDb } from "@/lib/db/control";
import { reconcileAllQuotas, reconcileTenantQuotas, type TenantReconciliation } from "@/lib/quotas/reconcile";
import { flushUsage } from "@/lib/usage/usage";

const slugs = process.argv.slice(2);
let report: TenantReconciliation[];
if (slugs.length === 0) {
  report = await reconcileAllQuotas();
} else {
  const db = await controlDb();
  report = [];
  for (const slug of slugs) {
    const tenant = await db.tenant.findUnique({ where: { slug } });
    if (!tenant) {
      report.push({ tenantId: "", slug, results: [], error: "no such tenant" });
      continue;
    }
    report.push({ tenantId: tenant.id, slug, results: await reconcileTenantQuotas(tenant.id) });
  }
}
await flushUsage();

let repaired = 0;
let failed = 0;
for (const tenant of report) {
  if (tenant.error) {
    failed++;
    console.log(`${tenant.slug}: FAILED (${tenant.error})`);
    continue;
  }
  const changes = tenant.results.filter((r) => r.repaired || r.skipped);
  repaired += changes.filter((r) => r.repaired).length;
  console.log(
    changes.length === 0
      ? `${tenant.slug}: ok`
      : `${tenant.slug}: ${changes
          .map((r) => `${r.key} ${r.counter} → ${r.actual}${r.skipped ? " (changed meanwhile, next run)" : ""}`)
          .join(", ")}`,
  );
}
console.log(`${report.length} tenant(s), ${repaired} counter(s) repaired, ${failed} failed`);
await closeMainConnection();
process.exitCode = failed > 0 ? 1 : 0;
