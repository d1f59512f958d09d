import { controlDb } from "@/lib/db/control";
import { effectiveFeatures } from "./features";

/** What a tenant page needs to render: identity, status and branding. */
export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  status: string;
  tier: string;
  planName: string;
  isolationLevel: string;
  branding: {
    primaryColor: string;
    secondaryColor: string;
    logoUrl: string | null;
    logoDarkUrl: string | null;
    faviconUrl: string | null;
  };
  /** tenant_settings locale (lib/settings/format.ts formats amounts and dates with it). */
  locale: { currency: string; language: string; timezone: string; dateFormat: string; numberFormat: string };
  /** Accounting modules shown in the navigation; empty = all the plan includes. */
  modulesEnabled: string[];
  /** Members without MFA are led through enrolment before they can use the workspace. */
  mfaRequired: boolean;
  sessionTimeoutMinutes: number;
  passwordPolicy: unknown;
  features: Record<string, boolean>;
}

const DEFAULT_BRANDING = {
  primaryColor: "#2563eb",
  secondaryColor: "#1e40af",
  logoUrl: null,
  logoDarkUrl: null,
  faviconUrl: null,
};

/** Looks a tenant up by slug; only active tenants are served (others read as unknown). */
export async function findActiveTenantBySlug(slug: string): Promise<TenantSummary | null> {
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({
    where: { slug },
    include: {
      settings: true,
      plan: { select: { name: true, features: true } },
      features: { select: { featureKey: true, isEnabled: true, enabledAt: true, expiresAt: true } },
    },
  });
  if (!tenant || tenant.status !== "active" || tenant.deletedAt) return null;
  const settings = tenant.settings;
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    tier: tenant.tier,
    planName: tenant.plan.name,
    isolationLevel: tenant.isolationLevel,
    branding: settings
      ? {
          primaryColor: settings.primaryColor,
          secondaryColor: settings.secondaryColor,
          logoUrl: settings.logoUrl,
          logoDarkUrl: settings.logoDarkUrl,
          faviconUrl: settings.faviconUrl,
        }
      : DEFAULT_BRANDING,
    locale: {
      currency: settings?.defaultCurrency ?? "USD",
      language: settings?.defaultLanguage ?? "en",
      timezone: settings?.defaultTimezone ?? "UTC",
      dateFormat: settings?.dateFormat ?? "YYYY-MM-DD",
      numberFormat: settings?.numberFormat ?? "1,234.56",
    },
    modulesEnabled: settings?.modulesEnabled ?? [],
    mfaRequired: settings?.mfaRequired ?? false,
    sessionTimeoutMinutes: settings?.sessionTimeoutMinutes ?? 60,
    passwordPolicy: settings?.passwordPolicy ?? {},
    // Plan features with the tenant's current overrides, evaluated per request so an
    // override's expiry takes effect on time.
    features: effectiveFeatures(planFeatures(tenant.plan.features), tenant.features),
  };
}

function planFeatures(raw: unknown): Record<string, boolean> {
  const features: Record<string, boolean> = {};
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) features[key] = value === true;
  }
  return features;
}
