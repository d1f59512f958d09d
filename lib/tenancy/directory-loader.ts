import type { ControlClient } from "@/lib/db/control";
import type { Prisma } from "@/lib/generated/control/client";
import type { IsolationLevel, JsonValue, TenantLoader, TenantRecord, TenantStatus } from "./directory";

/**
 * The tenant directory's database layer: one control-plane query per lookup (relationJoins
 * turns the includes into one statement), mapped to the small TenantRecord the caches hold.
 * Status is not filtered here: the resolver decides what suspended or deleted tenants get,
 * and caching "suspended" is as useful as caching "active".
 */

/** Only custom domains route by host: platform sub-domains are resolved by slug, so a stale
 * 'subdomain' row left behind by a slug change can never shadow the tenant who takes that slug next. */
const ROUTABLE_DOMAIN = { isVerified: true, isActive: true, domainType: "custom" } as const;

const RECORD_INCLUDE = {
  settings: {
    select: {
      primaryColor: true,
      secondaryColor: true,
      ipWhitelist: true,
      sessionTimeoutMinutes: true,
      passwordPolicy: true,
    },
  },
  plan: { select: { features: true } },
  domains: { where: ROUTABLE_DOMAIN, select: { domain: true }, orderBy: { domain: "asc" } },
} satisfies Prisma.TenantInclude;

type TenantRow = Prisma.TenantGetPayload<{ include: typeof RECORD_INCLUDE }>;

/** Defaults of tenant_settings, for a tenant whose settings row does not exist (yet). */
const DEFAULT_SETTINGS = {
  primaryColor: "#2563eb",
  secondaryColor: "#1e40af",
  ipWhitelist: [] as string[],
  sessionTimeoutMinutes: 60,
  passwordPolicy: {} as Prisma.JsonValue,
};

const STATUSES: readonly TenantStatus[] = ["pending", "active", "suspended", "cancelled", "deleted"];
const ISOLATION_LEVELS: readonly IsolationLevel[] = ["shared_database", "schema", "database"];

/** A loader over the control-plane client (or a function that opens it on first use). */
export function prismaTenantLoader(db: ControlClient | (() => Promise<ControlClient>)): TenantLoader {
  const client = typeof db === "function" ? db : () => Promise.resolve(db);
  return {
    async byId(id) {
      const row = await (await client()).tenant.findUnique({ where: { id }, include: RECORD_INCLUDE });
      return row ? toTenantRecord(row) : null;
    },
    async bySlug(slug) {
      const row = await (await client()).tenant.findUnique({ where: { slug }, include: RECORD_INCLUDE });
      return row ? toTenantRecord(row) : null;
    },
    async byDomain(domain) {
      const row = await (
        await client()
      ).tenantDomain.findFirst({
        where: { domain, ...ROUTABLE_DOMAIN },
        select: { tenant: { include: RECORD_INCLUDE } },
      });
      return row ? toTenantRecord(row.tenant) : null;
    },
  };
}

export function toTenantRecord(row: TenantRow): TenantRecord {
  const settings = row.settings ?? DEFAULT_SETTINGS;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    // The DB CHECK allows only known values; anything else is treated as gone (fail closed).
    status: STATUSES.includes(row.status as TenantStatus) ? (row.status as TenantStatus) : "deleted",
    deletedAt: row.deletedAt ? row.deletedAt.toISOString() : null,
    tier: row.tier,
    isolationLevel: isolationLevelOf(row),
    schemaName: row.schemaName,
    databaseName: row.databaseName,
    features: booleanFlags(row.plan.features),
    ipAllowList: [...settings.ipWhitelist],
    sessionTimeoutMinutes: settings.sessionTimeoutMinutes,
    passwordPolicy: jsonObject(settings.passwordPolicy),
    branding: { primaryColor: settings.primaryColor, secondaryColor: settings.secondaryColor },
    domains: row.domains.map((d) => d.domain),
  };
}

/** Guessing where a tenant's rows live would be worse than failing the lookup. */
function isolationLevelOf(row: TenantRow): IsolationLevel {
  const level = row.isolationLevel as IsolationLevel;
  if (!ISOLATION_LEVELS.includes(level)) {
    throw new Error(`Tenant ${row.id} has an unknown isolation level ${JSON.stringify(row.isolationLevel)}`);
  }
  return level;
}

/** Plan features are `{ "reports": true, ... }`; non-boolean values are not flags and are dropped. */
function booleanFlags(value: Prisma.JsonValue): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const [name, flag] of Object.entries(jsonObject(value))) {
    if (typeof flag === "boolean") flags[name] = flag;
  }
  return flags;
}

function jsonObject(value: Prisma.JsonValue): Record<string, JsonValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, JsonValue>)
    : {};
}
