import { FEATURE_KEYS } from "@/lib/tenancy/features";
import { FEATURE_LABELS, type PlanLimits, type PlanView } from "@/lib/platform/plans";
import { rateLimitsFor } from "@/lib/rate-limit/policy";

/**
 * What the pricing page and the features page show for each plan: the quotas of seed
 * table 16.3 (plus products and projects, which the plans also cap), the API rate limit,
 * and the features of table 16.4.
 */

const count = (n: number) => n.toLocaleString("en-US");

export const QUOTA_ROWS: ReadonlyArray<{ key: keyof PlanLimits; label: string; format: (n: number) => string }> = [
  { key: "users", label: "Users", format: count },
  { key: "storageMb", label: "Storage", format: (n) => (n >= 1024 ? `${count(n / 1024)} GB` : `${count(n)} MB`) },
  { key: "apiCallsPerMonth", label: "API calls / month", format: count },
  { key: "invoicesPerMonth", label: "Invoices / month", format: count },
  { key: "integrations", label: "Integrations", format: count },
  { key: "products", label: "Products", format: count },
  { key: "projects", label: "Projects", format: count },
];

export function quotaText(plan: PlanView, key: keyof PlanLimits): string {
  const value = plan.limits[key];
  const row = QUOTA_ROWS.find((r) => r.key === key);
  return value === null ? "Unlimited" : (row?.format(value) ?? count(value));
}

/** "100 requests / 10 s" for the workspace's API budget of the plan's tier. */
export function rateLimitText(plan: PlanView): string {
  const { tenant } = rateLimitsFor(plan.tier);
  return `${count(tenant.requests)} requests / ${tenant.windowMs / 1000} s`;
}

export const FEATURE_ROWS = FEATURE_KEYS.map((key) => ({ key, label: FEATURE_LABELS[key] ?? key }));

/** The features a plan adds to the plan before it (plans in display order). */
export function featuresAdded(plans: readonly PlanView[]): Map<string, string[]> {
  const added = new Map<string, string[]>();
  plans.forEach((plan, index) => {
    const previous = plans[index - 1];
    added.set(
      plan.id,
      FEATURE_KEYS.filter((key) => plan.features[key] && !previous?.features[key]),
    );
  });
  return added;
}

export function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export const SALES_EMAIL = "sales@logiaccounting.test";
