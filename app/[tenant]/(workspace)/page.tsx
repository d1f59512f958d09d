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
  const money = new Intl.NumberFormat(tenant.locale.language, { style: "currency", currency: tenant.locale.currency });
  const stats = [
    { label: "Customers", value: overview.customers.toLocaleString() },
    { label: "Products", value: overview.products.toLocaleString() },
    { label: "Invoices", value: overview.invoices.toLocaleString() },
    { label: "Outstanding", value: money.format(overview.outstandingMinor / 100) },
    { label: "Paid", value: money.format(overview.paidMinor / 100) },
  ];
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <h1 className="text-3xl font-bold">
        Welcome to <span className="text-brand">{tenant.name}</span>
      </h1>
      <p className="mt-2 text-slate-600">Your workspace at a glance.</p>
      <dl className="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {stats.map((stat) => (
          <div key={stat.label} className="border-brand rounded-xl border-t-4 bg-white p-5 shadow-sm">
            <dt className="text-sm text-slate-500">{stat.label}</dt>
            <dd className="mt-1 text-2xl font-semibold">{stat.value}</dd>
          </div>
        ))}
      </dl>
    </main>
  );
}
