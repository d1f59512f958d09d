// `npm run migrate`: brings the main database (DATABASE_URL, or embedded PGlite in DATA_DIR)
// to the current version of both planes, then every schema- and database-level tenant
// (canary first, bounded parallelism; safe to re-run after a crash). Safe to run again and
// concurrently.
import { migrateMainDatabase } from "@/lib/db/bootstrap";
import { resetDatabaseClients } from "@/lib/db/reset";
import { migrateAllTenantPlanes } from "@/lib/tenancy/isolation/tenant-plane-migrations";

const { control, tenant } = await migrateMainDatabase();
console.log(`control plane at ${control.version} (applied: ${control.applied.join(", ") || "none"})`);
console.log(`tenant plane at ${tenant.version} (applied: ${tenant.applied.join(", ") || "none"})`);
const concurrency = Number(process.env.MIGRATE_CONCURRENCY ?? 8) || 8;
const report = await migrateAllTenantPlanes({ concurrency });
console.log(
  `tenant schemas/databases: ${report.results.length} in all, ${report.migrated} migrated, ${report.failed} failed, ` +
    `${report.skipped} skipped${report.canaryFailed ? " (the canary failed: nothing else was touched)" : ""}; latest ${report.latest ?? "none"}`,
);
for (const failed of report.results.filter((r) => r.status === "failed")) {
  console.log(
    `  failed: tenant ${failed.tenantId} (${failed.schema}) at ${failed.version ?? "no version"}: ${failed.error?.message}`,
  );
}
await resetDatabaseClients();
if (!report.ok) process.exitCode = 1;
