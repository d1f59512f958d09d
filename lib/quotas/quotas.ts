import { controlDb } from "@/lib/db/control";
import { QuotaExceededError } from "@/lib/http/errors";
import { currentTenant } from "@/lib/tenancy/context";
import { platformOrigin } from "@/lib/tenancy/urls";
import { apiCallsUsed, consumeApiCalls } from "@/lib/usage/api-calls";
import { isoDay, secondsUntilReset } from "@/lib/usage/period";
import { markTenantDirty } from "@/lib/usage/usage";
import {
  bytesToStoredMb,
  column,
  ensureCurrentPeriod,
  loadQuotaRow,
  QUOTA_KEYS,
  QUOTAS,
  storedMbToBytes,
  type QuotaKey,
} from "./store";
import { warnIfNearLimit, WARNING_RATIO } from "./warnings";

/**
 * The quota service (seed 16.10, table 16.3): the plan's limits per tenant, enforced
 * atomically. `consumeQuota` is ONE statement on tenant_quotas —
 *
 *   UPDATE tenant_quotas SET current_x = current_x + n
 *   WHERE tenant_id = t AND (max_x IS NULL OR current_x + n <= max_x) [AND period is current]
 *   RETURNING …
 *
 * — so however many requests race, the row lock serialises them and the sum can never pass
 * the limit: with 3 left, exactly 3 of 50 concurrent consumers get a row back. NULL limits
 * (Enterprise) are unlimited. The monthly quotas (API calls, invoices) roll over on the
 * tenant's usage_reset_day. API calls are the exception to "one SQL statement": they are
 * counted on every request, so they go through lib/usage/api-calls.ts (an atomic
 * check-and-increment in Redis or in process, flushed to this row).
 *
 * Amounts of "storage" are bytes here; the row keeps MB.
 */

export { QUOTA_KEYS, QUOTAS, isQuotaKey, type QuotaKey } from "./store";

export interface QuotaStatus {
  key: QuotaKey;
  label: string;
  /** Bytes for storage, a count otherwise. */
  used: number;
  /** null = unlimited. */
  limit: number | null;
  /** used / limit × 100, rounded down; null when unlimited. */
  percent: number | null;
  /** "ok" below 80 %, "warning" from 80 %, "exceeded" at or above 100 %. */
  level: "ok" | "warning" | "exceeded";
  monthly: boolean;
  unit: "count" | "bytes";
}

export interface QuotaOptions {
  /** The instant the quota is consumed at (tests pin it; default now). */
  now?: Date;
}

/** Where a tenant admin raises a limit: the plans on the platform's pricing page. */
export function upgradeUrl(): string {
  return `${platformOrigin()}/pricing`;
}

function checkAmount(amount: number): void {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`A quota amount must be ≥ 0, got ${amount}`);
}

function storedAmount(key: QuotaKey, amount: number): string {
  if (key === "storage") return bytesToStoredMb(amount);
  if (!Number.isInteger(amount)) throw new RangeError(`The ${key} quota counts whole units, got ${amount}`);
  return String(amount);
}

function publicValue(key: QuotaKey, stored: number): number {
  return key === "storage" ? storedMbToBytes(stored) : stored;
}

/**
 * Adds `amount` (default 1; bytes for storage) to the tenant's usage of `key`, or throws
 * QuotaExceededError — nothing is added then. Atomic: see the module comment.
 */
export async function consumeQuota(
  tenantId: string,
  key: QuotaKey,
  amount = 1,
  options: QuotaOptions = {},
): Promise<void> {
  checkAmount(amount);
  const now = options.now ?? new Date();
  if (key === "api_calls") {
    await consumeApiCalls(tenantId, amount, now);
    return;
  }
  const def = QUOTAS[key];
  const { period, row } = def.monthly
    ? await ensureCurrentPeriod(tenantId, now)
    : { period: null, row: await loadQuotaRow(tenantId) };
  const n = storedAmount(key, amount);
  const db = await controlDb();
  const current = column(def.currentColumn);
  const max = column(def.maxColumn);
  const periodStart = period ? isoDay(period.start) : null;
  const rows = await db.$queryRaw<{ used: number; limit: number | null }[]>`
    UPDATE tenant_quotas
    SET ${current} = ${current} + ${n}::numeric, updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid
      AND (${max} IS NULL OR ${current} + ${n}::numeric <= ${max})
      AND (${periodStart}::date IS NULL OR usage_period_start = ${periodStart}::date)
    RETURNING ${current}::float8 AS used, ${max}::float8 AS "limit"`;
  const updated = rows[0];
  if (!updated) {
    const fresh = await loadQuotaRow(tenantId);
    const limit = fresh.limits[key];
    if (def.monthly && period && fresh.periodStart && isoDay(fresh.periodStart) !== isoDay(period.start)) {
      // Another process rolled the period over between our check and our update: retry once in the new period.
      return consumeQuota(tenantId, key, amount, { now: new Date() });
    }
    throw new QuotaExceededError(key, publicValue(key, limit ?? 0), publicValue(key, fresh.current[key]), {
      requested: amount,
      unit: def.unit,
      upgradeUrl: upgradeUrl(),
    });
  }
  markTenantDirty(tenantId);
  if (updated.limit !== null && amount > 0)
    await warnIfNearLimit(tenantId, key, updated.used, updated.limit, row.resetDay, now);
}

/**
 * Gives back `amount` (default 1; bytes for storage): a deleted product or project, a
 * removed member, a failed insert whose consume must be undone. Never below zero.
 */
export async function releaseQuota(tenantId: string, key: QuotaKey, amount = 1): Promise<void> {
  checkAmount(amount);
  if (key === "api_calls") return; // API calls made stay made.
  const def = QUOTAS[key];
  const n = storedAmount(key, amount);
  const db = await controlDb();
  const current = column(def.currentColumn);
  await db.$executeRaw`
    UPDATE tenant_quotas SET ${current} = GREATEST(${current} - ${n}::numeric, 0), updated_at = now()
    WHERE tenant_id = ${tenantId}::uuid`;
  markTenantDirty(tenantId);
}

/**
 * Consumes one unit of `key`, runs `fn`, and gives the unit back when `fn` throws — for
 * creations whose row lives in another database than tenant_quotas (see
 * docs/decisions/0010-quota-consumed-before-insert.md). A process that dies between the
 * two leaves a count too many; reconcile.ts repairs it from the data.
 */
export async function withQuota<T>(tenantId: string, key: QuotaKey, fn: () => Promise<T>, amount = 1): Promise<T> {
  await consumeQuota(tenantId, key, amount);
  try {
    return await fn();
  } catch (error) {
    await releaseQuota(tenantId, key, amount).catch((releaseError: unknown) =>
      console.error(`[quotas] could not give back ${amount} ${key} of tenant ${tenantId}`, releaseError),
    );
    throw error;
  }
}

function statusOf(key: QuotaKey, usedStored: number, limitStored: number | null): QuotaStatus {
  const def = QUOTAS[key];
  const used = publicValue(key, usedStored);
  const limit = limitStored === null ? null : publicValue(key, limitStored);
  // A limit of 0 allows nothing: it is reached from the start.
  const ratio = limitStored === null ? null : limitStored === 0 ? 1 : usedStored / limitStored;
  const percent = ratio === null ? null : Math.floor(ratio * 100);
  const level = ratio === null ? "ok" : ratio >= 1 ? "exceeded" : ratio >= WARNING_RATIO ? "warning" : "ok";
  return {
    key,
    label: def.label,
    used,
    limit,
    percent,
    level,
    monthly: def.monthly,
    unit: key === "storage" ? "bytes" : "count",
  };
}

/** Every quota of the tenant: used, limit (null = unlimited), percent and level, in table 16.3's order. */
export async function quotaStatus(tenantId: string, options: QuotaOptions = {}): Promise<QuotaStatus[]> {
  const { row } = await ensureCurrentPeriod(tenantId, options.now ?? new Date());
  const apiCalls = await apiCallsUsed(tenantId, row);
  return QUOTA_KEYS.map((key) =>
    statusOf(key, key === "api_calls" ? Math.max(apiCalls, row.current.api_calls) : row.current[key], row.limits[key]),
  );
}

/** The quotas at or above the warning threshold (80 %), for the workspace banner. */
export async function quotasNearLimit(tenantId: string): Promise<QuotaStatus[]> {
  return (await quotaStatus(tenantId)).filter((status) => status.level !== "ok");
}

/** Seconds until the tenant's monthly quotas reset. */
export async function secondsUntilQuotaReset(tenantId: string, now: Date = new Date()): Promise<number> {
  const row = await loadQuotaRow(tenantId);
  return secondsUntilReset(now, row.resetDay);
}

/**
 * `withQuota` for the tenant of the current tenant context: the accounting services wrap
 * their creations in it. Call it outside a tenant transaction (the consume is a
 * control-plane statement; on PGlite's single connection it would wait for that transaction).
 */
export function withTenantQuota<T>(key: QuotaKey, fn: () => Promise<T>, amount = 1): Promise<T> {
  return withQuota(currentTenant().id, key, fn, amount);
}

/** `releaseQuota` for the tenant of the current tenant context (after a deletion has committed). */
export async function releaseTenantQuota(key: QuotaKey, amount = 1): Promise<void> {
  const tenantId = currentTenant().id;
  await releaseQuota(tenantId, key, amount).catch((error: unknown) =>
    // The deletion stands; the count is one too high until reconcile.ts recomputes it.
    console.error(`[quotas] could not give back ${amount} ${key} of tenant ${tenantId}`, error),
  );
}
