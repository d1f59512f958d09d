import { controlDb } from "@/lib/db/control";
import { NotFoundError } from "@/lib/http/errors";
import { featureStates, isFeatureKey, type FeatureKey, type FeatureState } from "@/lib/tenancy/features";
import { FEATURE_LABELS, listPublicPlans } from "./plans";

export interface TenantFeatureView {
  key: FeatureKey;
  label: string;
  enabled: boolean;
  source: FeatureState["source"];
  expiresAt: string | null;
  /** The cheapest public plan that includes it, for "upgrade to …" (null: none). */
  availableFrom: string | null;
}

/** Every feature of a tenant now, with where it comes from and which plan adds it. */
export async function tenantFeatures(tenantId: string): Promise<TenantFeatureView[]> {
  const db = await controlDb();
  const tenant = await db.tenant.findUniqueOrThrow({
    where: { id: tenantId },
    select: {
      plan: { select: { features: true } },
      features: { select: { featureKey: true, isEnabled: true, enabledAt: true, expiresAt: true } },
    },
  });
  const planFeatures = (tenant.plan.features ?? {}) as Record<string, unknown>;
  const plans = await listPublicPlans();
  return featureStates(planFeatures, tenant.features).map((state) => ({
    key: state.key,
    label: FEATURE_LABELS[state.key] ?? state.key,
    enabled: state.enabled,
    source: state.source,
    expiresAt: state.expiresAt?.toISOString() ?? null,
    availableFrom: plans.find((plan) => plan.features[state.key])?.name ?? null,
  }));
}

export async function tenantFeature(tenantId: string, key: string): Promise<TenantFeatureView> {
  if (!isFeatureKey(key)) throw new NotFoundError("Feature");
  const feature = (await tenantFeatures(tenantId)).find((f) => f.key === key);
  if (!feature) throw new NotFoundError("Feature");
  return feature;
}
