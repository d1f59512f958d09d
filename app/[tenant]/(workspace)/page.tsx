import { formatMoney, formatNumber, minorDigits } from "@/components/accounting/format";
import { MonthlyChart } from "@/components/accounting/monthly-chart";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { reportSummary } from "@/lib/accounting/reports";
import { memberForPage } from "@/lib/auth/session";
import { runInTenantContext } from "@/lib/tenancy/context";
import { contextFor, requireTenantForRoute } from "@/lib/tenancy/current";
import { tenantOverview } from "@/lib/tenancy/overview";

type Props = { params: Promise<{ tenant: string }> };

export default async function TenantHome({ params }: Props) {
  const tenant = await requireTenantForRoute((await params).tenant);
  // Pages check membership themselves: a layout can be skipped by client navigations.
  const member = await memberForPage(tenant);
  if (!member) return null;
  const overview = await runInTenantContext(contextFor(tenant, member), () => tenantOverview());
  // The monthly figures come from the reports feature (Standard and above).
  const summary = hasFeature(tenant, FEATURE_FOR_RESOURCE.reports)
    ? await runInTenantContext(contextFor(tenant, member), () =>
        reportSummary({}, { currency: tenant.locale.currency }),
      )
    : null;
  const digits = minorDigits(tenant.locale.currency);
  const money = (minor: number) => formatMoney(minor, tenant.locale.currency, tenant.locale);
  const stats = [
    { label: "Customers", value: formatNumber(overview.customers, tenant.locale) },
    { label: "Products", value: formatNumber(overview.products, tenant.locale) },
    { label: "Invoices", value: formatNumber(overview.invoices, tenant.locale) },
    { label: "Outstanding", value: money(overview.outstandingMinor) },
    { label: "Paid", value: money(overview.paidMinor) },
    ...(summary
      ? [
          {
            label: "Paid this month",
            value: formatMoney(summary.paidThisMonth.totalMinor, summary.currency, tenant.locale),
          },
        ]
      : []),
  ];
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <h1 className="text-3xl font-bold">
        Welcome to <span className="text-brand">{tenant.name}</span>
      </h1>
      <p className="mt-2 text-slate-600">Your workspace at a glance.</p>
      <dl className={`mt-8 grid gap-4 sm:grid-cols-2 ${summary ? "lg:grid-cols-6" : "lg:grid-cols-5"}`}>
        {stats.map((stat) => (
          <div key={stat.label} className="border-brand rounded-xl border-t-4 bg-white p-5 shadow-sm">
            <dt className="text-sm text-slate-500">{stat.label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{stat.value}</dd>
          </div>
        ))}
      </dl>
      {summary && (
        <section className="mt-8 rounded-xl bg-white p-6 shadow-sm">
          <h2 className="font-semibold">Invoiced vs paid, last 12 months ({summary.currency})</h2>
          <MonthlyChart
            currency={summary.currency}
            locale={tenant.locale}
            data={summary.months.map((m) => ({
              month: m.month,
              invoiced: m.invoicedMinor / 10 ** digits,
              paid: m.paidMinor / 10 ** digits,
            }))}
          />
        </section>
      )}
    </main>
  );
}
