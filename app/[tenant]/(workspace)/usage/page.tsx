import { PageHeader } from "@/components/accounting/list-controls";
import { pageScope } from "@/components/accounting/page-scope";
import { QuotaBars } from "@/components/usage/quota-bars";
import { UsageCharts } from "@/components/usage/usage-charts";
import { formatFigure } from "@/components/usage/format";
import { quotaStatus, upgradeUrl } from "@/lib/quotas/quotas";
import { MAX_HISTORY_PERIODS } from "@/lib/usage/schemas";
import { currentUsage, usageHistory, USAGE_METRICS } from "@/lib/usage/usage";

export const metadata = { title: "Usage" };

/** Quotas of the plan (a bar each) and the usage of the last 12 periods (a chart per metric). */
export default async function UsagePage({ params }: { params: Promise<{ tenant: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const [quotas, usage, history] = await Promise.all([
    quotaStatus(tenant.id),
    currentUsage(tenant.id),
    usageHistory(tenant.id, USAGE_METRICS, MAX_HISTORY_PERIODS),
  ]);
  const atLimit = quotas.filter((q) => q.level === "exceeded");
  const exports = usage.metrics.find((m) => m.metric === "exports");
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader title="Usage">
        <a href={upgradeUrl()} className="text-sm font-medium underline" data-testid="upgrade-link-header">
          Compare plans
        </a>
      </PageHeader>
      <p className="mt-1 text-sm text-slate-600" data-testid="usage-period">
        {tenant.planName} plan · usage period {usage.period.start} to {usage.period.end} (monthly limits reset on{" "}
        {usage.period.resetsAt.slice(0, 10)})
        {exports && <> · {formatFigure(exports.value, "count")} exports this period</>}
      </p>
      {atLimit.length > 0 && (
        <div role="alert" className="mt-4 rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900" data-testid="at-limit">
          {atLimit.map((q) => q.label).join(", ")}: the limit of the {tenant.planName} plan is reached.{" "}
          <a href={upgradeUrl()} className="font-semibold underline" data-testid="upgrade-link">
            Upgrade the plan
          </a>{" "}
          to raise it.
        </div>
      )}
      <h2 className="mt-8 mb-3 text-lg font-semibold">Quotas</h2>
      <QuotaBars quotas={quotas} />
      <h2 className="mt-10 mb-3 text-lg font-semibold">History (last {MAX_HISTORY_PERIODS} periods)</h2>
      <UsageCharts history={history} />
    </main>
  );
}
