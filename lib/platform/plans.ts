import { controlDb } from "@/lib/db/control";

export const FEATURE_LABELS: Record<string, string> = {
  basic_invoicing: "Basic invoicing",
  inventory: "Inventory",
  reports: "Reports",
  projects: "Projects",
  api_access: "API access",
  audit: "Audit trail",
  sso: "SSO / SAML",
  custom_domain: "Custom domain",
  dedicated_db: "Dedicated database",
};

export interface PlanLimits {
  users: number | null;
  storageMb: number | null;
  apiCallsPerMonth: number | null;
  invoicesPerMonth: number | null;
  products: number | null;
  projects: number | null;
  integrations: number | null;
}

/** A plan as the UI and the API show it; null prices mean "contact sales", null limits "unlimited". */
export interface PlanView {
  id: string;
  name: string;
  description: string | null;
  tier: string;
  currency: string;
  priceMonthly: number | null;
  priceAnnual: number | null;
  limits: PlanLimits;
  features: Record<string, boolean>;
}

export async function listPublicPlans(): Promise<PlanView[]> {
  const db = await controlDb();
  const plans = await db.subscriptionPlan.findMany({
    where: { isActive: true, isPublic: true },
    orderBy: { displayOrder: "asc" },
  });
  return plans.map((plan) => ({
    id: plan.id,
    name: plan.name,
    description: plan.description,
    tier: plan.tier,
    currency: plan.currency,
    priceMonthly: plan.priceMonthly === null ? null : plan.priceMonthly.toNumber(),
    priceAnnual: plan.priceAnnual === null ? null : plan.priceAnnual.toNumber(),
    limits: {
      users: plan.maxUsers,
      storageMb: plan.maxStorageMb,
      apiCallsPerMonth: plan.maxApiCalls,
      invoicesPerMonth: plan.maxInvoices,
      products: plan.maxProducts,
      projects: plan.maxProjects,
      integrations: plan.maxIntegrations,
    },
    features: normaliseFeatures(plan.features),
  }));
}

function normaliseFeatures(raw: unknown): Record<string, boolean> {
  const features: Record<string, boolean> = {};
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) features[key] = value === true;
  }
  return features;
}

/** The cheapest public plan that includes `feature` (plans are listed in display order). */
export async function planWithFeature(feature: string): Promise<string | null> {
  const plans = await listPublicPlans();
  return plans.find((plan) => plan.features[feature])?.name ?? null;
}
