import { FeatureNotAvailableError } from "@/lib/http/errors";
import { isFeatureOn } from "@/lib/tenancy/features";

/**
 * Plan features of the accounting app (seed table 16.4). TenantSummary.features already
 * holds the plan's features with the tenant's overrides applied (lib/tenancy/features.ts);
 * the gate is checked here and only here.
 */
export const FEATURE_FOR_RESOURCE = {
  customers: "basic_invoicing",
  invoices: "basic_invoicing",
  products: "inventory",
  reports: "reports",
  projects: "projects",
  auditEvents: "audit",
  apiAccess: "api_access",
} as const;

export type AccountingFeature = (typeof FEATURE_FOR_RESOURCE)[keyof typeof FEATURE_FOR_RESOURCE];

interface HasFeatures {
  features: Readonly<Record<string, boolean>>;
}

/** Whether the tenant has `feature` now (plan plus overrides, lib/tenancy/features.ts). */
export function hasFeature(tenant: HasFeatures, feature: AccountingFeature): boolean {
  return isFeatureOn(tenant, feature);
}

/** The one feature check: throws FeatureNotAvailableError (403) when the plan lacks it. */
export function requireFeature(tenant: HasFeatures, feature: AccountingFeature): void {
  if (!hasFeature(tenant, feature)) throw new FeatureNotAvailableError(feature);
}
