import { LockedPage } from "@/components/accounting/feature-locked";
import { formatMoney, type LocaleFormat } from "@/components/accounting/format";
import { MonthlyChart } from "@/components/accounting/monthly-chart";
import { ListError, PageHeader } from "@/components/accounting/list-controls";
import { flatSearch, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { minorDigits } from "@/components/accounting/format";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { reportSummary, type ReportSummary } from "@/lib/accounting/reports";
import { DomainError, ValidationError } from "@/lib/http/errors";

export const metadata = { title: "Reports" };

export default async function ReportsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.reports;
  if (!hasFeature(tenant, feature)) return <LockedPage title="Reports" feature={feature} planName={tenant.planName} />;
  const search = flatSearch(await searchParams);
  let summary: ReportSummary | null = null;
  let error: string | null = null;
  try {
    summary = await scope.run(() => reportSummary({ currency: search.currency }, { currency: tenant.locale.currency }));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e instanceof ValidationError ? e.issues.map((i) => `${i.field}: ${i.message}`).join("; ") : e.message;
  }
  const lang = tenant.locale;
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader title="Reports">
        <form method="get" action="/reports" className="flex items-center gap-2 text-sm">
          <label htmlFor="currency">Currency</label>
          <input
            id="currency"
            name="currency"
            defaultValue={search.currency ?? tenant.locale.currency}
            className="w-20 rounded-lg border border-slate-300 px-2 py-1"
          />
          <button className="rounded-lg border border-slate-300 bg-white px-3 py-1">Show</button>
        </form>
      </PageHeader>
      {error && <ListError message={error} />}
      {summary && <ReportFigures summary={summary} locale={lang} />}
    </main>
  );
}

function ReportFigures({ summary, locale }: { summary: ReportSummary; locale: LocaleFormat }) {
  const money = (minor: number) => formatMoney(minor, summary.currency, locale);
  const digits = minorDigits(summary.currency);
  const stats = [
    {
      label: "Outstanding",
      value: money(summary.outstanding.totalMinor),
      note: `${summary.outstanding.count} sent invoice(s)`,
    },
    {
      label: "Overdue",
      value: money(summary.overdue.totalMinor),
      note: `${summary.overdue.count} invoice(s) past due`,
    },
    {
      label: "Paid this month",
      value: money(summary.paidThisMonth.totalMinor),
      note: `${summary.paidThisMonth.count} invoice(s)`,
    },
  ];
  return (
    <>
      <dl className="mt-6 grid gap-4 sm:grid-cols-3" data-testid="report-figures">
        {stats.map((s) => (
          <div key={s.label} className="border-brand rounded-xl border-t-4 bg-white p-5 shadow-sm">
            <dt className="text-sm text-slate-500">{s.label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{s.value}</dd>
            <dd className="text-xs text-slate-500">{s.note}</dd>
          </div>
        ))}
      </dl>
      <section className="mt-8 rounded-xl bg-white p-6 shadow-sm">
        <h2 className="font-semibold">Invoiced vs paid, last 12 months ({summary.currency})</h2>
        <MonthlyChart
          currency={summary.currency}
          locale={locale}
          data={summary.months.map((m) => ({
            month: m.month,
            invoiced: m.invoicedMinor / 10 ** digits,
            paid: m.paidMinor / 10 ** digits,
          }))}
        />
      </section>
    </>
  );
}
