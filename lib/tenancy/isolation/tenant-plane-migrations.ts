import { controlDb } from "@/lib/db/control";
import type { IsolationLevel } from "../context";
import { migrateTenantPlanes } from "./planes";
import type { MigrateTenantsReport } from "./tenant-migrations";

/**
 * Brings every schema- and database-level tenant to the current tenant-plane version (the
 * shared tables are migrated with the main database). Canary first — the oldest such tenant —
 * then the rest in parallel with a bound; re-running resumes where a crash stopped, since
 * each target's schema_migrations records what it has.
 */
export async function migrateAllTenantPlanes(
  options: { concurrency?: number; onlyStatus?: string[] } = {},
): Promise<MigrateTenantsReport> {
  const db = await controlDb();
  const tenants = await db.tenant.findMany({
    where: {
      isolationLevel: { in: ["schema", "database"] },
      deletedAt: null,
      // A tenant whose provisioning has not created its resources yet gets them from provisioning.
      status: { in: options.onlyStatus ?? ["active", "suspended"] },
    },
    select: { id: true, isolationLevel: true },
    orderBy: { createdAt: "asc" },
  });
  return migrateTenantPlanes(
    tenants.map((t) => ({ id: t.id, isolationLevel: t.isolationLevel as IsolationLevel })),
    { concurrency: options.concurrency ?? 8 },
  );
}
