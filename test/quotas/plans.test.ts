import { expect, it } from "vitest";
import { controlDb } from "@/lib/db/control";
import { QuotaExceededError } from "@/lib/http/errors";
import { consumeQuota, QUOTA_KEYS, quotaStatus, type QuotaKey } from "@/lib/quotas/quotas";
import { forgetApiCallLimits } from "@/lib/usage/api-calls";
import { setUsageCounterStore } from "@/lib/usage/counters";
import { describeIsolation } from "../support/isolation";
import { createTenant, setQuota } from "./support";

/**
 * Table 16.3, enforced for every plan of the seeded plans table and every quota: one
 * below the limit is still allowed, at the limit the next one is refused with the quota
 * problem, and Enterprise has no limits at all.
 */

/** Table 16.3 (storage in MB), plus products and projects from the seed's plan rows. */
const TABLE_16_3: Record<string, Record<QuotaKey, number | null>> = {
  free: { users: 2, storage: 100, api_calls: 1_000, invoices: 10, products: 50, projects: 5, integrations: 1 },
  standard: { users: 5, storage: 1024, api_calls: 10_000, invoices: 100, products: 500, projects: 50, integrations: 3 },
  professional: {
    users: 15,
    storage: 5120,
    api_calls: 50_000,
    invoices: 500,
    products: 2000,
    projects: 200,
    integrations: 10,
  },
  business: {
    users: 50,
    storage: 20480,
    api_calls: 200_000,
    invoices: 2000,
    products: 10_000,
    projects: 1000,
    integrations: 25,
  },
  enterprise: {
    users: null,
    storage: null,
    api_calls: null,
    invoices: null,
    products: null,
    projects: null,
    integrations: null,
  },
};
const PLANS = Object.keys(TABLE_16_3);
const MB = 1024 * 1024;

const CURRENT_FIELD: Record<QuotaKey, string> = {
  users: "currentUsers",
  storage: "currentStorageMb",
  api_calls: "currentApiCalls",
  invoices: "currentInvoices",
  products: "currentProducts",
  projects: "currentProjects",
  integrations: "currentIntegrations",
};

describeIsolation("every quota of every plan", () => {
  it("the seeded plans table is table 16.3: the same plans, the same limits", async () => {
    const db = await controlDb();
    const plans = await db.subscriptionPlan.findMany({ orderBy: { displayOrder: "asc" } });
    expect(plans.map((p) => p.tier)).toEqual(PLANS);
    for (const plan of plans)
      expect({
        users: plan.maxUsers,
        storage: plan.maxStorageMb,
        api_calls: plan.maxApiCalls,
        invoices: plan.maxInvoices,
        products: plan.maxProducts,
        projects: plan.maxProjects,
        integrations: plan.maxIntegrations,
      }).toEqual(TABLE_16_3[plan.tier]);
  });

  for (const plan of PLANS)
    for (const key of QUOTA_KEYS) {
      const limit = TABLE_16_3[plan][key];
      const title =
        limit === null
          ? `${plan} × ${key}: unlimited`
          : `${plan} × ${key}: the ${limit.toLocaleString("en-US")}th is allowed, the next one refused`;
      it(title, async () => {
        await setUsageCounterStore(undefined); // in-process counters, fresh
        forgetApiCallLimits();
        const tenant = await createTenant(plan);
        await quotaStatus(tenant.id); // opens the usage period
        const unit = key === "storage" ? MB : 1;
        if (limit === null) {
          await consumeQuota(tenant.id, key, 1_000_000 * unit);
          await consumeQuota(tenant.id, key, 1_000_000 * unit);
          const status = (await quotaStatus(tenant.id)).find((s) => s.key === key)!;
          expect(status).toMatchObject({ limit: null, percent: null, level: "ok", used: 2_000_000 * unit });
          return;
        }
        await setQuota(tenant.id, { [CURRENT_FIELD[key]]: limit - 1 });
        await consumeQuota(tenant.id, key, unit);
        const refused = await consumeQuota(tenant.id, key, 1).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(QuotaExceededError);
        const problem = refused as QuotaExceededError;
        expect(problem.extensions).toMatchObject({ quota: key, limit: limit * unit, used: limit * unit });
        expect(problem.status).toBe(key === "api_calls" ? 429 : 403);
        if (key === "api_calls") expect(problem.retryAfterSeconds).toBeGreaterThan(0);
        const status = (await quotaStatus(tenant.id)).find((s) => s.key === key)!;
        expect(status).toMatchObject({ used: limit * unit, limit: limit * unit, percent: 100, level: "exceeded" });
      });
    }
});
