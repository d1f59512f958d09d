import { controlDb } from "@/lib/db/control";
import { runInTenantContext, type IsolationLevel } from "@/lib/tenancy/context";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";
import { isoDay } from "@/lib/usage/period";
import { markTenantDirty } from "@/lib/usage/usage";
import { column, ensureCurrentPeriod, QUOTAS, type QuotaKey } from "./store";

/**
 * Reconciliation: the counts a quota can be recomputed from are recomputed, so a counter
 * that drifted (a process died between consuming and inserting, a row removed outside
 * the services) is repaired instead of staying wrong for good.
 *
 * - users: the tenant's memberships (control plane);
 * - integrations: the tenant's outbound webhook endpoints (control plane);
 * - products, projects: the tenant's rows (tenant plane, through the scoped client);
 * - invoices this period: the tenant's `invoice.created` audit events in the period —
 *   the audit event commits with the invoice and is append-only, so deleting a draft
 *   does not give its slot back, exactly as the quota counts creations.
 *
 * Each counter is set with a compare-and-set (`WHERE current_x = <value read before
 * counting>`): if a consume ran meanwhile, that counter is left for the next run rather
 * than overwritten with a figure that misses it. Storage and API calls have
 * no source to recount from and are left alone.
 */

export type ReconciledKey = Extract<QuotaKey, "users" | "products" | "projects" | "invoices" | "integrations">;
export const RECONCILED_KEYS: readonly ReconciledKey[] = ["users", "products", "projects", "invoices", "integrations"];

export interface Reconciliation {
  key: ReconciledKey;
  counter: number;
  actual: number;
  /** The counter was changed to the actual figure. */
  repaired: boolean;
  /** A consume ran while counting: left for the next run. */
  skipped: boolean;
}

export async function reconcileTenantQuotas(tenantId: string, now: Date = new Date()): Promise<Reconciliation[]> {
  const db = await controlDb();
  const { row, period } = await ensureCurrentPeriod(tenantId, now);
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  const users = await db.membership.count({ where: { tenantId } });
  const integrations = await db.outboundWebhook.count({ where: { tenantId } });
  const tenantCounts = await runInTenantContext(
    {
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        tier: tenant.tier,
        isolationLevel: tenant.isolationLevel as IsolationLevel,
        features: {},
        schemaName: tenant.schemaName,
        databaseName: tenant.databaseName,
      },
      actor: { type: "system", reason: "quota reconciliation" },
    },
    () =>
      tenantTransaction(async (tx) => ({
        products: await tx.product.count(),
        projects: await tx.project.count(),
        invoices: await tx.auditEvent.count({
          where: { action: "invoice.created", createdAt: { gte: period.start, lt: period.next } },
        }),
      })),
  );
  const actual: Record<ReconciledKey, number> = { users, integrations, ...tenantCounts };
  const results: Reconciliation[] = [];
  for (const key of RECONCILED_KEYS) {
    const counter = row.current[key];
    if (counter === actual[key]) {
      results.push({ key, counter, actual: actual[key], repaired: false, skipped: false });
      continue;
    }
    const current = column(QUOTAS[key].currentColumn);
    const periodStart = QUOTAS[key].monthly ? isoDay(period.start) : null;
    const changed = await db.$executeRaw`
      UPDATE tenant_quotas SET ${current} = ${actual[key]}::int, updated_at = now()
      WHERE tenant_id = ${tenantId}::uuid AND ${current} = ${counter}::int
        AND (${periodStart}::date IS NULL OR usage_period_start = ${periodStart}::date)`;
    results.push({ key, counter, actual: actual[key], repaired: changed === 1, skipped: changed !== 1 });
  }
  if (results.some((r) => r.repaired)) markTenantDirty(tenantId);
  return results;
}

export interface TenantReconciliation {
  tenantId: string;
  slug: string;
  results: Reconciliation[];
  error?: string;
}

/** Every active or suspended tenant, one after the other; a failing tenant does not stop the others. */
export async function reconcileAllQuotas(now: Date = new Date()): Promise<TenantReconciliation[]> {
  const db = await controlDb();
  const tenants = await db.tenant.findMany({
    where: { status: { in: ["active", "suspended"] } },
    select: { id: true, slug: true },
    orderBy: { slug: "asc" },
  });
  const out: TenantReconciliation[] = [];
  for (const tenant of tenants) {
    try {
      out.push({ tenantId: tenant.id, slug: tenant.slug, results: await reconcileTenantQuotas(tenant.id, now) });
    } catch (error) {
      out.push({ tenantId: tenant.id, slug: tenant.slug, results: [], error: String(error) });
    }
  }
  return out;
}
