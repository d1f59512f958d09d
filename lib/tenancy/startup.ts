import { migrateMainDatabase } from "@/lib/db/bootstrap";
import { mainConnection } from "@/lib/db/connection";
import { controlDb } from "@/lib/db/control";
import { reconcileAllQuotas } from "@/lib/quotas/reconcile";
import { DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS, seedDemoData } from "./demo-data";
import { migrateAllTenantPlanes } from "./isolation/tenant-plane-migrations";
import { sharedTenantPlane } from "./tenant-client";

/**
 * Runs once per server process before the first request (instrumentation.ts).
 * Embedded mode migrates and loads the demo tenants, so `npm start` needs nothing else.
 * Server mode migrates only when MIGRATE_ON_START=1 (operators usually run
 * `npm run migrate` as a deploy step) and seeds only when SEED_DEMO=1.
 */
export async function prepareDatabase(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const connection = await mainConnection();
  const embedded = connection.mode === "embedded";
  if (embedded || env.MIGRATE_ON_START === "1") {
    const { control, tenant } = await migrateMainDatabase(connection);
    const applied = [...control.applied.map((v) => `control/${v}`), ...tenant.applied.map((v) => `tenant/${v}`)];
    console.log(
      `[db] ${connection.mode} database at version control/${control.version} tenant/${tenant.version}` +
        (applied.length ? ` (applied ${applied.join(", ")})` : ""),
    );
    const tenants = await migrateAllTenantPlanes();
    if (tenants.results.length) {
      console.log(
        `[db] tenant schemas/databases: ${tenants.migrated} migrated, ${tenants.failed} failed, ${tenants.skipped} skipped` +
          ` (latest ${tenants.latest})`,
      );
    }
  }
  if (embedded || env.SEED_DEMO === "1") {
    const seeded = await seedDemoData(await controlDb(), await sharedTenantPlane());
    // The seed writes rows directly; the quota counters are recounted from them.
    await reconcileAllQuotas();
    printDemoAccess(seeded.createdTenants.length > 0, env);
  }
}

function printDemoAccess(created: boolean, env: NodeJS.ProcessEnv): void {
  const root = env.ROOT_DOMAIN || "localhost:3000";
  const lines = [
    created ? "[demo] demo tenants created:" : "[demo] demo tenants ready:",
    `  platform   http://${root}/`,
    ...DEMO_TENANTS.map(
      (t) =>
        `  ${t.slug.padEnd(10)} http://${t.slug}.${root}/   (${t.tier}${t.status === "suspended" ? ", suspended" : ""}, owner ${t.owner})`,
    ),
    `  users: ${DEMO_USERS.map((u) => u.email).join(", ")}`,
    `  password for every demo user: ${DEMO_PASSWORD}`,
  ];
  console.log(lines.join("\n"));
}
