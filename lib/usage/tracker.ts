import type { UsagePeriod } from "./period";

/**
 * What this process has counted since the last flush: counters (per tenant, period and
 * metric) and tenants whose quota row changed. lib/usage/usage.ts drains it into
 * tenant_usage_logs; the first mark starts the periodic flush (USAGE_FLUSH_MS, default
 * 60 s; unref'd, so it never keeps a process alive).
 */

export type CounterMetric = "api_calls" | "exports";

export interface DirtyCounter {
  tenantId: string;
  period: UsagePeriod;
  metric: CounterMetric;
}

const KEY = Symbol.for("logiaccounting.usage-tracker");
interface Tracker {
  counters: Map<string, DirtyCounter>;
  tenants: Set<string>;
  timer?: ReturnType<typeof setInterval>;
  flush?: () => Promise<unknown>;
}
type Holder = { [KEY]?: Tracker };
const tracker: Tracker = ((globalThis as Holder)[KEY] ??= { counters: new Map(), tenants: new Set() });

function startTimer(): void {
  if (tracker.timer || !tracker.flush) return;
  const every = Number(process.env.USAGE_FLUSH_MS ?? 60_000) || 60_000;
  const flush = tracker.flush;
  tracker.timer = setInterval(() => {
    flush().catch((error: unknown) => console.error("[usage] flush failed", error));
  }, every);
  tracker.timer.unref?.();
}

/** Registers the flush the timer runs (usage.ts does, when it is loaded). */
export function setFlusher(flush: () => Promise<unknown>): void {
  tracker.flush = flush;
}

export function markCounterDirty(tenantId: string, period: UsagePeriod, metric: CounterMetric): void {
  tracker.counters.set(`${tenantId}|${period.start.toISOString()}|${metric}`, { tenantId, period, metric });
  startTimer();
}

export function markTenantDirty(tenantId: string): void {
  tracker.tenants.add(tenantId);
  startTimer();
}

/** Takes everything marked so far (marks made meanwhile go to the next flush). */
export function drainDirty(): { counters: DirtyCounter[]; tenants: string[] } {
  const counters = [...tracker.counters.values()];
  const tenants = [...tracker.tenants];
  tracker.counters.clear();
  tracker.tenants.clear();
  return { counters, tenants };
}

/** Puts back what a failed flush could not write. */
export function restoreDirty(counters: DirtyCounter[], tenants: string[]): void {
  for (const counter of counters)
    tracker.counters.set(`${counter.tenantId}|${counter.period.start.toISOString()}|${counter.metric}`, counter);
  for (const tenant of tenants) tracker.tenants.add(tenant);
}
