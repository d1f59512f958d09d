import { controlDb } from "@/lib/db/control";
import { Prisma } from "@/lib/generated/control/client";
import { isoDay, usagePeriod, type UsagePeriod } from "@/lib/usage/period";

/**
 * The tenant_quotas row underneath lib/quotas and lib/usage: which columns hold each
 * quota, the row's period bookkeeping (monthly counters roll over on usage_reset_day) and
 * the history rows a rollover writes. Everything here is control plane (controlDb()).
 */

export const QUOTA_KEYS = [
  "users",
  "storage",
  "api_calls",
  "invoices",
  "products",
  "projects",
  "integrations",
] as const;
export type QuotaKey = (typeof QUOTA_KEYS)[number];

export interface QuotaDefinition {
  key: QuotaKey;
  /** What a person calls it ("invoices per month"). */
  label: string;
  /** The unit in messages ("invoices this month"). */
  unit: string;
  maxColumn: string;
  currentColumn: string;
  /** Counts per usage period (reset on usage_reset_day) rather than a running total. */
  monthly: boolean;
  /** Can be recomputed from data (memberships, tenant rows, audit events): see reconcile.ts. */
  recomputable: boolean;
}

export const QUOTAS: Readonly<Record<QuotaKey, QuotaDefinition>> = {
  users: {
    key: "users",
    label: "Users",
    unit: "users",
    maxColumn: "max_users",
    currentColumn: "current_users",
    monthly: false,
    recomputable: true,
  },
  storage: {
    key: "storage",
    label: "Storage",
    unit: "bytes of storage",
    maxColumn: "max_storage_mb",
    currentColumn: "current_storage_mb",
    monthly: false,
    recomputable: false,
  },
  api_calls: {
    key: "api_calls",
    label: "API calls per month",
    unit: "API calls this month",
    maxColumn: "max_api_calls_per_month",
    currentColumn: "current_api_calls",
    monthly: true,
    recomputable: false,
  },
  invoices: {
    key: "invoices",
    label: "Invoices per month",
    unit: "invoices this month",
    maxColumn: "max_invoices_per_month",
    currentColumn: "current_invoices",
    monthly: true,
    recomputable: true,
  },
  products: {
    key: "products",
    label: "Products",
    unit: "products",
    maxColumn: "max_products",
    currentColumn: "current_products",
    monthly: false,
    recomputable: true,
  },
  projects: {
    key: "projects",
    label: "Projects",
    unit: "projects",
    maxColumn: "max_projects",
    currentColumn: "current_projects",
    monthly: false,
    recomputable: true,
  },
  integrations: {
    key: "integrations",
    label: "Integrations",
    unit: "integrations",
    maxColumn: "max_integrations",
    currentColumn: "current_integrations",
    monthly: false,
    recomputable: false,
  },
};

export function isQuotaKey(value: unknown): value is QuotaKey {
  return typeof value === "string" && (QUOTA_KEYS as readonly string[]).includes(value);
}

/** Storage is counted in bytes at every interface and stored in MB (numeric(10,2)). */
export const BYTES_PER_MB = 1024 * 1024;

/** Bytes → the MB amount stored, rounded UP to the column's 0.01 MB (so a release undoes a consume exactly). */
export function bytesToStoredMb(bytes: number): string {
  const hundredths = Math.ceil((bytes * 100) / BYTES_PER_MB);
  return (hundredths / 100).toFixed(2);
}

export function storedMbToBytes(mb: number): number {
  return Math.round(mb * BYTES_PER_MB);
}

export interface QuotaRow {
  tenantId: string;
  resetDay: number;
  periodStart: Date | null;
  limits: Record<QuotaKey, number | null>;
  /** In the column's unit (MB for storage). */
  current: Record<QuotaKey, number>;
}

type Control = Awaited<ReturnType<typeof controlDb>>;
type QuotaRecord = NonNullable<Awaited<ReturnType<Control["tenantQuota"]["findUnique"]>>>;

function toRow(record: QuotaRecord): QuotaRow {
  return {
    tenantId: record.tenantId,
    resetDay: record.usageResetDay,
    periodStart: record.usagePeriodStart,
    limits: {
      users: record.maxUsers,
      storage: record.maxStorageMb,
      api_calls: record.maxApiCallsPerMonth,
      invoices: record.maxInvoicesPerMonth,
      products: record.maxProducts,
      projects: record.maxProjects,
      integrations: record.maxIntegrations,
    },
    current: {
      users: record.currentUsers,
      storage: Number(record.currentStorageMb),
      api_calls: record.currentApiCalls,
      invoices: record.currentInvoices,
      products: record.currentProducts,
      projects: record.currentProjects,
      integrations: record.currentIntegrations,
    },
  };
}

/**
 * The tenant's quota row. A tenant without one (created before quotas were copied, or by
 * a path that skipped provisioning) gets its plan's limits now, so a quota can never be
 * silently absent.
 */
export async function loadQuotaRow(tenantId: string): Promise<QuotaRow> {
  const db = await controlDb();
  const record = await db.tenantQuota.findUnique({ where: { tenantId } });
  if (record) return toRow(record);
  const tenant = await db.tenant.findUnique({ where: { id: tenantId }, include: { plan: true } });
  if (!tenant) throw new Error(`No tenant ${tenantId}`);
  const { plan } = tenant;
  const created = await db.tenantQuota.upsert({
    where: { tenantId },
    update: {},
    create: {
      tenantId,
      maxUsers: plan.maxUsers,
      maxStorageMb: plan.maxStorageMb,
      maxApiCallsPerMonth: plan.maxApiCalls,
      maxInvoicesPerMonth: plan.maxInvoices,
      maxProducts: plan.maxProducts,
      maxProjects: plan.maxProjects,
      maxIntegrations: plan.maxIntegrations,
      lastResetAt: new Date(),
    },
  });
  return toRow(created);
}

function sameDay(a: Date | null, b: Date): boolean {
  return a !== null && isoDay(a) === isoDay(b);
}

/**
 * Makes the row's monthly counters count the period containing `now`: when the stored
 * period is another one, the counters of the ended period are written to the history and
 * set to zero — in one statement that locks the row, so of two concurrent rollovers only
 * the first resets (the second finds the period already current and does nothing).
 */
export async function ensureCurrentPeriod(
  tenantId: string,
  now: Date = new Date(),
): Promise<{ row: QuotaRow; period: UsagePeriod }> {
  let row = await loadQuotaRow(tenantId);
  const period = usagePeriod(now, row.resetDay);
  if (sameDay(row.periodStart, period.start)) return { row, period };

  const db = await controlDb();
  const start = isoDay(period.start);
  const rolled = await db.$queryRaw<{ previous: Date | null; apiCalls: number; invoices: number }[]>`
    WITH old AS (
      SELECT tenant_id, usage_period_start, current_api_calls, current_invoices
      FROM tenant_quotas
      WHERE tenant_id = ${tenantId}::uuid AND usage_period_start IS DISTINCT FROM ${start}::date
      FOR UPDATE
    )
    UPDATE tenant_quotas q
    SET current_api_calls = 0, current_invoices = 0, usage_period_start = ${start}::date,
        last_reset_at = now(), updated_at = now()
    FROM old
    WHERE q.tenant_id = old.tenant_id
    RETURNING old.usage_period_start AS previous, old.current_api_calls AS "apiCalls",
              old.current_invoices AS invoices`;
  const ended = rolled[0];
  if (ended?.previous) {
    // The ended period as it was stored (its reset day may have changed since).
    const old = usagePeriod(ended.previous, row.resetDay);
    const oldPeriod = sameDay(old.start, ended.previous) ? old : { ...old, start: ended.previous };
    await writeHistory(tenantId, oldPeriod, "api_calls", ended.apiCalls, "count", "sum");
    await writeHistory(tenantId, oldPeriod, "invoices", ended.invoices, "count", "sum");
  }
  row = await loadQuotaRow(tenantId);
  return { row, period };
}

export type UsageMetric = "api_calls" | "invoices" | "exports" | "storage" | "users" | "products" | "projects";
export const USAGE_METRICS: readonly UsageMetric[] = [
  "api_calls",
  "invoices",
  "exports",
  "storage",
  "users",
  "products",
  "projects",
];

/**
 * Records the value of a metric for a period as an absolute figure, keeping the larger
 * one when the row exists: flushing the same counter twice, or from two processes, never
 * counts anything twice (the counters only grow within a period).
 */
export async function writeHistory(
  tenantId: string,
  period: Pick<UsagePeriod, "start" | "end">,
  metric: UsageMetric,
  value: number,
  unit: "count" | "bytes",
  aggregation: "sum" | "max",
): Promise<void> {
  const db = await controlDb();
  const end = period.end.getTime() < period.start.getTime() ? period.start : period.end;
  await db.$executeRaw`
    INSERT INTO tenant_usage_logs (tenant_id, period_start, period_end, metric_type, metric_value, metric_unit, aggregation_type)
    VALUES (${tenantId}::uuid, ${isoDay(period.start)}::date, ${isoDay(end)}::date, ${metric}, ${value}, ${unit}, ${aggregation})
    ON CONFLICT (tenant_id, metric_type, period_start)
    DO UPDATE SET metric_value = GREATEST(tenant_usage_logs.metric_value, EXCLUDED.metric_value),
                  period_end = EXCLUDED.period_end`;
}

/** A column name of QUOTAS as SQL (only ever one of the fixed names above). */
export function column(name: string): Prisma.Sql {
  if (!/^(max|current)_[a-z_]+$/.test(name)) throw new Error(`Not a quota column: ${name}`);
  return Prisma.raw(name);
}
