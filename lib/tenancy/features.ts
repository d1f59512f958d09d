/**
 * Feature flags: which features a tenant has *now*. A tenant's features are its plan's
 * features (seed table 16.4, stored in subscription_plans.features) plus per-tenant
 * overrides in tenant_features (enable or disable, valid from enabled_at until
 * expires_at). Unknown keys and expired overrides are off: the check fails closed.
 */

export const FEATURE_KEYS = [
  "basic_invoicing",
  "inventory",
  "reports",
  "projects",
  "api_access",
  "audit",
  "sso",
  "custom_domain",
  "dedicated_db",
] as const;

export type FeatureKey = (typeof FEATURE_KEYS)[number];

export function isFeatureKey(value: string): value is FeatureKey {
  return (FEATURE_KEYS as readonly string[]).includes(value);
}

export interface FeatureOverride {
  featureKey: string;
  isEnabled: boolean;
  enabledAt: Date | null;
  expiresAt: Date | null;
}

export type FeatureSource = "plan" | "override";

export interface FeatureState {
  key: FeatureKey;
  enabled: boolean;
  source: FeatureSource;
  /** When an override decides it: the moment it stops applying (null: open-ended). */
  expiresAt: Date | null;
}

function overrideApplies(override: FeatureOverride, now: Date): boolean {
  if (override.enabledAt && override.enabledAt > now) return false;
  if (override.expiresAt && override.expiresAt <= now) return false;
  return true;
}

/** Every known feature's state for a tenant at `now`. */
export function featureStates(
  planFeatures: Readonly<Record<string, unknown>>,
  overrides: readonly FeatureOverride[],
  now: Date = new Date(),
): FeatureState[] {
  return FEATURE_KEYS.map((key) => {
    const override = overrides.find((o) => o.featureKey === key && overrideApplies(o, now));
    if (override) return { key, enabled: override.isEnabled, source: "override", expiresAt: override.expiresAt };
    return { key, enabled: planFeatures[key] === true, source: "plan", expiresAt: null };
  });
}

/** The flags as a record, for the tenant summary and the tenant context. */
export function effectiveFeatures(
  planFeatures: Readonly<Record<string, unknown>>,
  overrides: readonly FeatureOverride[],
  now: Date = new Date(),
): Record<FeatureKey, boolean> {
  const flags = {} as Record<FeatureKey, boolean>;
  for (const state of featureStates(planFeatures, overrides, now)) flags[state.key] = state.enabled;
  return flags;
}

/** The one question: is `key` on for this tenant now? Unknown keys are off. */
export function isFeatureOn(tenant: { features: Readonly<Record<string, boolean>> }, key: string): boolean {
  return isFeatureKey(key) && tenant.features[key] === true;
}
