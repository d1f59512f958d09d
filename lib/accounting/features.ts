import { FeatureNotAvailableError } from "@/lib/http/errors";

/**
 * Plan features of the accounting app (seed table 16.4). Until the feature-flag service
 * exists, the plan's features (TenantSummary.features / ContextTenant.features) are read
 * directly — here and only here.
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

/** Whether the tenant's plan includes `feature`. */
export function hasFeature(tenant: HasFeatures, feature: AccountingFeature): boolean {
  return tenant.features[feature] === true;
}

/** The one feature check: throws FeatureNotAvailableError (403) when the plan lacks it. */
export function requireFeature(tenant: HasFeatures, feature: AccountingFeature): void {
  if (!hasFeature(tenant, feature)) throw new FeatureNotAvailableError(feature);
}
