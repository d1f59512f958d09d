import { QuotaExceededError } from "@/lib/http/errors";
import { ensureCurrentPeriod, QUOTAS, type QuotaRow } from "@/lib/quotas/store";
import { warnIfNearLimit, WARNING_RATIO } from "@/lib/quotas/warnings";
import { platformOrigin } from "@/lib/tenancy/urls";
import { counterKey, usageCounterStore } from "./counters";
import { isoDay, secondsUntilReset, usagePeriod, type UsagePeriod } from "./period";
import { markCounterDirty } from "./tracker";

/**
 * The monthly API-call quota, counted on every authenticated /api/v1 request. A database
 * write per request would put a row lock of tenant_quotas on every API call's path, so
 * the count lives in the usage counter store (Redis or in process) with an atomic
 * check-and-increment against the limit, and is flushed to tenant_quotas and
 * tenant_usage_logs. The limit and reset day are read from tenant_quotas at most every
 * LIMIT_TTL_MS per tenant (a plan change shows within that time).
 */

const LIMIT_TTL_MS = 30_000;
/** Counters outlive their period long enough to be flushed after it ends. */
const COUNTER_TTL_SECONDS = 100 * 86_400;

interface TenantLimits {
  row: QuotaRow;
  period: UsagePeriod;
  loadedAt: number;
}

const limitsCache = new Map<string, TenantLimits>();
const warned = new Set<string>();

async function limitsFor(tenantId: string, now: Date): Promise<TenantLimits> {
  const cached = limitsCache.get(tenantId);
  if (
    cached &&
    Date.now() - cached.loadedAt < LIMIT_TTL_MS &&
    now.getTime() >= cached.period.start.getTime() &&
    now.getTime() < cached.period.next.getTime()
  )
    return cached;
  const { row, period } = await ensureCurrentPeriod(tenantId, now);
  const fresh = { row, period, loadedAt: Date.now() };
  limitsCache.set(tenantId, fresh);
  return fresh;
}

/** Forgets cached limits (after a plan change, and in tests). */
export function forgetApiCallLimits(tenantId?: string): void {
  if (tenantId) limitsCache.delete(tenantId);
  else limitsCache.clear();
  warned.clear();
}

/** Counts `amount` API calls, or throws QuotaExceededError (429, Retry-After: the reset) at the limit. */
export async function consumeApiCalls(tenantId: string, amount: number, now: Date = new Date()): Promise<number> {
  const { row, period } = await limitsFor(tenantId, now);
  const start = isoDay(period.start);
  const limit = row.limits.api_calls;
  // The database's figure seeds a counter this store does not have yet (new process, Redis flushed).
  const seed = row.periodStart && isoDay(row.periodStart) === start ? row.current.api_calls : 0;
  const result = await usageCounterStore().addWithin(
    counterKey(tenantId, start, "api_calls"),
    amount,
    limit,
    seed,
    COUNTER_TTL_SECONDS,
  );
  markCounterDirty(tenantId, period, "api_calls");
  if (!result.ok)
    throw new QuotaExceededError("api_calls", limit ?? 0, result.value, {
      requested: amount,
      unit: QUOTAS.api_calls.unit,
      retryAfterSeconds: secondsUntilReset(now, row.resetDay),
      upgradeUrl: `${platformOrigin()}/pricing`,
    });
  const warnKey = `${tenantId}|${start}`;
  if (limit !== null && limit > 0 && result.value / limit >= WARNING_RATIO && !warned.has(warnKey)) {
    warned.add(warnKey);
    await warnIfNearLimit(tenantId, "api_calls", result.value, limit, row.resetDay, now);
  }
  return result.value;
}

/** API calls counted in the current period (the counter store's figure; 0 when it has none). */
export async function apiCallsUsed(tenantId: string, row: QuotaRow, now: Date = new Date()): Promise<number> {
  const period = usagePeriod(now, row.resetDay);
  return (await usageCounterStore().get(counterKey(tenantId, isoDay(period.start), "api_calls"))) ?? 0;
}
