import { randomUUID } from "node:crypto";
import { controlDb } from "@/lib/db/control";
import { runInTenantContext } from "@/lib/tenancy/context";
import { effectiveFeatures } from "@/lib/tenancy/features";
import { loadQuotaRow } from "@/lib/quotas/store";
import { Prisma } from "@/lib/generated/control/client";

/** Test tenants for the quota suites: a fresh active tenant of a plan, with its quota row. */

export interface TestTenant {
  id: string;
  slug: string;
  tier: string;
  features: Record<string, boolean>;
}

let n = 0;

export async function createTenant(tier: string): Promise<TestTenant> {
  const db = await controlDb();
  const slug = `q${Date.now().toString(36)}${(++n).toString(36)}${randomUUID().slice(0, 4)}`;
  const plan = await db.subscriptionPlan.findUniqueOrThrow({ where: { tier } });
  const tenant = await db.tenant.create({
    data: { slug, name: `Quota ${slug}`, email: `owner@${slug}.test`, tier, status: "active" },
  });
  await loadQuotaRow(tenant.id); // copies the plan's limits, as provisioning does
  return {
    id: tenant.id,
    slug,
    tier,
    features: effectiveFeatures(plan.features as Record<string, unknown>, [], new Date()),
  };
}

/** Sets quota columns directly (the test's starting position). */
export async function setQuota(tenantId: string, data: Prisma.TenantQuotaUpdateInput): Promise<void> {
  const db = await controlDb();
  await db.tenantQuota.update({ where: { tenantId }, data });
}

export function asTenant<T>(tenant: TestTenant, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext(
    {
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        tier: tenant.tier,
        isolationLevel: "shared_database",
        features: tenant.features,
      },
      actor: { type: "system", reason: "quota test" },
    },
    fn,
  );
}

/** Splits settled results into values and errors. */
export function settle<T>(results: PromiseSettledResult<T>[]): { ok: T[]; errors: unknown[] } {
  return {
    ok: results.filter((r): r is PromiseFulfilledResult<T> => r.status === "fulfilled").map((r) => r.value),
    errors: results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as unknown),
  };
}
