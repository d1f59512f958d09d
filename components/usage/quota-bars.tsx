import type { QuotaStatus } from "@/lib/quotas/quotas";
import { formatFigure, formatLimit } from "./format";

/** One bar per quota: used of limit, amber from 80 %, red at 100 %, "unlimited" without a limit. */
export function QuotaBars({ quotas }: { quotas: QuotaStatus[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2" data-testid="quota-bars">
      {quotas.map((quota) => {
        const width = quota.percent === null ? 0 : Math.min(100, quota.percent);
        const colour =
          quota.level === "exceeded" ? "bg-red-600" : quota.level === "warning" ? "bg-amber-500" : "bg-brand";
        return (
          <li
            key={quota.key}
            className="rounded-xl bg-white p-4 shadow-sm"
            data-testid={`quota-${quota.key}`}
            data-level={quota.level}
          >
            <div className="flex items-baseline justify-between gap-2">
              <span className="font-medium">{quota.label}</span>
              <span className="text-sm text-slate-600">
                {formatFigure(quota.used, quota.unit)} of {formatLimit(quota.limit, quota.unit)}
                {quota.percent !== null && <> · {quota.percent}%</>}
              </span>
            </div>
            <div
              className="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
              role="progressbar"
              aria-label={quota.label}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={quota.percent ?? 0}
              aria-valuetext={
                quota.limit === null ? "unlimited" : `${quota.percent}% (${quota.level === "ok" ? "ok" : quota.level})`
              }
            >
              {quota.limit === null ? (
                <div className="h-full w-full bg-emerald-100" />
              ) : (
                <div className={`h-full ${colour}`} style={{ width: `${width}%` }} />
              )}
            </div>
            {quota.level === "exceeded" && (
              <p className="mt-2 text-sm text-red-700">Limit reached: new ones are refused.</p>
            )}
            {quota.level === "warning" && <p className="mt-2 text-sm text-amber-700">Over 80% used.</p>}
          </li>
        );
      })}
    </ul>
  );
}
