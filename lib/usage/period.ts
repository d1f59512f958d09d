/**
 * Usage periods: the monthly counters (API calls, invoices, exports) restart on the
 * tenant's `usage_reset_day`. Pure date arithmetic in UTC, so it is tested exhaustively
 * and every process computes the same period for the same instant.
 *
 * A period starts on the reset day of a month; when the month has no such day (31 in
 * April, 29–31 in February) it starts on the month's last day instead. It ends the day
 * before the next period starts (`end` is inclusive, as tenant_usage_logs.period_end).
 */

export interface UsagePeriod {
  /** First day, UTC midnight. */
  start: Date;
  /** Last day (inclusive), UTC midnight. */
  end: Date;
  /** First day of the next period, UTC midnight: the moment the counters reset. */
  next: Date;
}

export const MIN_RESET_DAY = 1;
export const MAX_RESET_DAY = 31;
const DAY_MS = 86_400_000;

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

function clampResetDay(resetDay: number): number {
  if (!Number.isInteger(resetDay) || resetDay < MIN_RESET_DAY || resetDay > MAX_RESET_DAY)
    throw new RangeError(`usage_reset_day must be an integer from ${MIN_RESET_DAY} to ${MAX_RESET_DAY}`);
  return resetDay;
}

/** The day the period of the given month starts (UTC midnight). `monthIndex` may overflow. */
export function periodStartIn(year: number, monthIndex: number, resetDay: number): Date {
  const first = new Date(Date.UTC(year, monthIndex, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return new Date(Date.UTC(y, m, Math.min(clampResetDay(resetDay), daysInMonth(y, m))));
}

/** The usage period that contains `at`. */
export function usagePeriod(at: Date, resetDay: number): UsagePeriod {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  let start = periodStartIn(year, month, resetDay);
  let next = periodStartIn(year, month + 1, resetDay);
  if (at.getTime() < start.getTime()) {
    next = start;
    start = periodStartIn(year, month - 1, resetDay);
  }
  return { start, end: new Date(next.getTime() - DAY_MS), next };
}

/** The `count` most recent periods up to the one containing `at`, oldest first. */
export function recentPeriods(at: Date, resetDay: number, count: number): UsagePeriod[] {
  const periods: UsagePeriod[] = [usagePeriod(at, resetDay)];
  while (periods.length < count) {
    const previous = usagePeriod(new Date(periods[0].start.getTime() - DAY_MS), resetDay);
    periods.unshift(previous);
  }
  return periods;
}

/** `Date` at UTC midnight → `YYYY-MM-DD`. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Seconds from `at` until the period containing it ends (at least 1). */
export function secondsUntilReset(at: Date, resetDay: number): number {
  return Math.max(1, Math.ceil((usagePeriod(at, resetDay).next.getTime() - at.getTime()) / 1000));
}
