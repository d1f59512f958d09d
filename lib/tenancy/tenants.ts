import { LRUCache } from "lru-cache";
import { controlDb } from "@/lib/db/control";
import { tenantDirectory } from "./directory-instance";
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

/**
 * How long a tenant's row (with settings, plan and overrides) is reused in this process.
 * Every request of a workspace — each API call, each page — needs it; without the cache it
 * was one database query per request. Writers call tenantDirectory().invalidateTenant
 * after their commit, which drops every copy here at once; another server process sees
 * the write within this TTL (docs/resolution.md). Feature overrides are evaluated per
 * call, so an override still starts and expires on time.
 */
export const TENANT_SUMMARY_TTL_MS = 1_000;

async function loadTenantBySlug(slug: string) {
  const db = await controlDb();
  return db.tenant.findUnique({
    where: { slug },
    include: {
      settings: true,
      plan: { select: { name: true, features: true } },
      features: { select: { featureKey: true, isEnabled: true, enabledAt: true, expiresAt: true } },
    },
  });
}

type TenantRow = Awaited<ReturnType<typeof loadTenantBySlug>>;

interface CachedTenantRow {
  row: TenantRow;
  loadedAt: number;
  /** tenantDirectory().generation when the read started: an invalidation since makes it stale. */
  generation: number;
}

const SUMMARY_CACHE = Symbol.for("logiaccounting.tenant-summaries");
type SummaryHolder = { [SUMMARY_CACHE]?: LRUCache<string, CachedTenantRow> };

// On globalThis: pages, server actions and route bundles of one process share it (and the directory).
function summaryCache(): LRUCache<string, CachedTenantRow> {
  const holder = globalThis as SummaryHolder;
  holder[SUMMARY_CACHE] ??= new LRUCache({ max: 5_000 });
  return holder[SUMMARY_CACHE];
}

/** Forgets every cached tenant row of this process (tests; writers use invalidateTenant). */
export function forgetTenantSummaries(): void {
  summaryCache().clear();
}

async function tenantRowBySlug(slug: string): Promise<TenantRow> {
  const cache = summaryCache();
  const generation = tenantDirectory().generation;
  const cached = cache.get(slug);
  const now = Date.now();
  if (
    cached &&
    cached.generation === generation &&
    now - cached.loadedAt < TENANT_SUMMARY_TTL_MS &&
    now >= cached.loadedAt
  )
    return cached.row;
  const row = await loadTenantBySlug(slug);
  // Unknown slugs are not kept: anyone can ask for any name, and the directory caches "unknown" already.
  if (row) cache.set(slug, { row, loadedAt: now, generation });
  else cache.delete(slug);
  return row;
}

/** Looks a tenant up by slug; only active tenants are served (others read as unknown). */
export async function findActiveTenantBySlug(slug: string): Promise<TenantSummary | null> {
  const tenant = await tenantRowBySlug(slug);
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
