import { controlDb } from "@/lib/db/control";
import {
  ensureCurrentPeriod,
  storedMbToBytes,
  USAGE_METRICS,
  writeHistory,
  type QuotaRow,
  type UsageMetric,
} from "@/lib/quotas/store";
import { apiCallsUsed, consumeApiCalls } from "./api-calls";
import { counterKey, usageCounterStore } from "./counters";
import { isoDay, recentPeriods, type UsagePeriod } from "./period";
import { drainDirty, markCounterDirty, restoreDirty, setFlusher } from "./tracker";

/**
 * Usage tracking (seed 16.16): what each tenant used per usage period — API calls,
 * invoices created, exports, storage bytes, and the users/products/projects it had —
 * kept as history in tenant_usage_logs, one row per tenant, metric and period.
 *
 * Sources: API calls and exports are counters (lib/usage/counters.ts); invoices, storage,
 * users, products and projects are the quota row's figures. `flushUsage()` writes both
 * for every tenant this process touched (periodically, and on demand); a period's final
 * monthly figures are also written when it rolls over (lib/quotas/store.ts).
 */

export { USAGE_METRICS, type UsageMetric } from "@/lib/quotas/store";
export { markTenantDirty } from "./tracker";

const COUNTER_TTL_SECONDS = 100 * 86_400;

export interface MetricInfo {
  metric: UsageMetric;
  label: string;
  unit: "count" | "bytes";
  /** "sum": counted over the period; "max": the highest figure seen in it. */
  aggregation: "sum" | "max";
}

export const METRICS: Readonly<Record<UsageMetric, MetricInfo>> = {
  api_calls: { metric: "api_calls", label: "API calls", unit: "count", aggregation: "sum" },
  invoices: { metric: "invoices", label: "Invoices created", unit: "count", aggregation: "sum" },
  exports: { metric: "exports", label: "Exports", unit: "count", aggregation: "sum" },
  storage: { metric: "storage", label: "Storage", unit: "bytes", aggregation: "max" },
  users: { metric: "users", label: "Users", unit: "count", aggregation: "max" },
  products: { metric: "products", label: "Products", unit: "count", aggregation: "max" },
  projects: { metric: "projects", label: "Projects", unit: "count", aggregation: "max" },
};

/** One authenticated API request of the tenant: counted, and refused (429) past the monthly quota. */
export async function countApiCall(tenantId: string, now: Date = new Date()): Promise<void> {
  await consumeApiCalls(tenantId, 1, now);
}

/** Counts a metric without a quota (exports). */
export async function recordUsage(
  tenantId: string,
  metric: "exports",
  amount = 1,
  now: Date = new Date(),
): Promise<number> {
  const { period } = await ensureCurrentPeriod(tenantId, now);
  const result = await usageCounterStore().addWithin(
    counterKey(tenantId, isoDay(period.start), metric),
    amount,
    null,
    0,
    COUNTER_TTL_SECONDS,
  );
  markCounterDirty(tenantId, period, metric);
  return result.value;
}

async function counterValue(tenantId: string, period: UsagePeriod, metric: "api_calls" | "exports"): Promise<number> {
  return (await usageCounterStore().get(counterKey(tenantId, isoDay(period.start), metric))) ?? 0;
}

function rowFigures(row: QuotaRow): Record<"invoices" | "storage" | "users" | "products" | "projects", number> {
  return {
    invoices: row.current.invoices,
    storage: storedMbToBytes(row.current.storage),
    users: row.current.users,
    products: row.current.products,
    projects: row.current.projects,
  };
}

async function snapshotTenant(tenantId: string, now: Date): Promise<void> {
  const { row, period } = await ensureCurrentPeriod(tenantId, now);
  const figures = rowFigures(row);
  for (const [metric, value] of Object.entries(figures) as [keyof typeof figures, number][])
    await writeHistory(tenantId, period, metric, value, METRICS[metric].unit, METRICS[metric].aggregation);
}

/**
 * Writes what this process counted to the database: counters to tenant_usage_logs (and the
 * API-call figure to tenant_quotas.current_api_calls), and the quota figures of every
 * tenant whose quota row changed. Absolute values with GREATEST: safe to repeat, and two
 * processes flushing the same Redis counter agree.
 */
export async function flushUsage(
  now: Date = new Date(),
): Promise<{ counters: number; tenants: number; failed: number }> {
  const { counters, tenants } = drainDirty();
  const db = await controlDb();
  let failed = 0;
  // One entry's failure does not hold up the others; it is kept for the next flush unless
  // its tenant no longer exists (deleted meanwhile: nothing left to record).
  const keepUnlessGone = async (tenantId: string, error: unknown, keep: () => void) => {
    if (!(await db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }).catch(() => true))) return;
    failed++;
    keep();
    console.error(`[usage] flush for tenant ${tenantId} failed; retried at the next flush`, error);
  };
  for (const counter of counters) {
    try {
      const value = await counterValue(counter.tenantId, counter.period, counter.metric);
      await writeHistory(counter.tenantId, counter.period, counter.metric, value, "count", "sum");
      if (counter.metric === "api_calls")
        await db.$executeRaw`
          UPDATE tenant_quotas SET current_api_calls = GREATEST(current_api_calls, ${value}::int), updated_at = now()
          WHERE tenant_id = ${counter.tenantId}::uuid AND usage_period_start = ${isoDay(counter.period.start)}::date`;
    } catch (error) {
      await keepUnlessGone(counter.tenantId, error, () => restoreDirty([counter], []));
    }
  }
  for (const tenantId of tenants) {
    try {
      await snapshotTenant(tenantId, now);
    } catch (error) {
      await keepUnlessGone(tenantId, error, () => restoreDirty([], [tenantId]));
    }
  }
  return { counters: counters.length, tenants: tenants.length, failed };
}
setFlusher(() => flushUsage());

export interface CurrentUsage {
  period: { start: string; end: string; resetsAt: string };
  resetDay: number;
  metrics: { metric: UsageMetric; label: string; unit: "count" | "bytes"; value: number }[];
}

/** The tenant's figures for the current period, live (not waiting for a flush). */
export async function currentUsage(tenantId: string, now: Date = new Date()): Promise<CurrentUsage> {
  const { row, period } = await ensureCurrentPeriod(tenantId, now);
  const figures: Record<UsageMetric, number> = {
    ...rowFigures(row),
    api_calls: Math.max(row.current.api_calls, await apiCallsUsed(tenantId, row, now)),
    exports: await counterValue(tenantId, period, "exports"),
  };
  return {
    period: { start: isoDay(period.start), end: isoDay(period.end), resetsAt: period.next.toISOString() },
    resetDay: row.resetDay,
    metrics: USAGE_METRICS.map((metric) => ({
      metric,
      label: METRICS[metric].label,
      unit: METRICS[metric].unit,
      value: figures[metric],
    })),
  };
}

export interface HistoryPoint {
  periodStart: string;
  periodEnd: string;
  value: number;
}

export interface UsageHistory {
  metric: UsageMetric;
  label: string;
  unit: "count" | "bytes";
  points: HistoryPoint[];
}

/**
 * The last `periods` usage periods of each metric asked for, oldest first; a period
 * without a record is 0. The current period is the live figure.
 */
export async function usageHistory(
  tenantId: string,
  metrics: readonly UsageMetric[],
  periods: number,
  now: Date = new Date(),
): Promise<UsageHistory[]> {
  const { row } = await ensureCurrentPeriod(tenantId, now);
  const span = recentPeriods(now, row.resetDay, periods);
  const db = await controlDb();
  const logs = await db.tenantUsageLog.findMany({
    where: {
      tenantId,
      metricType: { in: [...metrics] },
      periodStart: { gte: span[0].start, lte: span[span.length - 1].start },
    },
  });
  const recorded = new Map(
    logs.map((log) => [`${log.metricType}|${isoDay(log.periodStart)}`, Number(log.metricValue)]),
  );
  const live = await currentUsage(tenantId, now);
  return metrics.map((metric) => ({
    metric,
    label: METRICS[metric].label,
    unit: METRICS[metric].unit,
    points: span.map((period, i) => {
      const stored = recorded.get(`${metric}|${isoDay(period.start)}`) ?? 0;
      const value =
        i === span.length - 1 ? Math.max(stored, live.metrics.find((m) => m.metric === metric)?.value ?? 0) : stored;
      return { periodStart: isoDay(period.start), periodEnd: isoDay(period.end), value };
    }),
  }));
}
