import Link from "next/link";
import type { Metadata } from "next";
import { FEATURE_ROWS, QUOTA_ROWS, SALES_EMAIL, money, quotaText, rateLimitText } from "@/components/pricing/plan-rows";
import { listPublicPlans, type PlanView } from "@/lib/platform/plans";

export const metadata: Metadata = { title: "Pricing" };

type Billing = "monthly" | "yearly";

/** The platform's pricing page (root domain): every public plan, its price, quotas and features. */
export default async function PricingPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const billing: Billing = (await searchParams).billing === "yearly" ? "yearly" : "monthly";
  const plans = await listPublicPlans();
  return (
    <main className="mx-auto max-w-7xl px-6 py-16">
      <header className="mx-auto max-w-3xl text-center">
        <p className="text-sm font-semibold tracking-widest text-blue-700 uppercase">
          <Link href="/">LogiAccounting Pro</Link>
        </p>
        <h1 className="mt-3 text-4xl font-bold tracking-tight">Pricing</h1>
        <p className="mt-4 text-lg text-slate-600">
          Every plan gets its own workspace, its own data and its own address. Upgrade or downgrade at any time.
        </p>
        <nav aria-label="Billing period" className="mt-8 inline-flex rounded-full border border-slate-300 bg-white p-1">
          {(["monthly", "yearly"] as const).map((period) => (
            <Link
              key={period}
              href={period === "yearly" ? "/pricing?billing=yearly" : "/pricing"}
              aria-current={billing === period ? "page" : undefined}
              className={`rounded-full px-5 py-1.5 text-sm font-medium ${
                billing === period ? "bg-blue-700 text-white" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              {period === "monthly" ? "Monthly" : "Yearly"}
            </Link>
          ))}
        </nav>
      </header>

      <section aria-label="Plans" className="mt-12 grid gap-6 sm:grid-cols-2 lg:grid-cols-5">
        {plans.map((plan) => (
          <PlanSummary key={plan.id} plan={plan} billing={billing} />
        ))}
      </section>

      <section aria-labelledby="compare-heading" className="mt-16 overflow-x-auto">
        <h2 id="compare-heading" className="text-2xl font-semibold">
          Compare plans
        </h2>
        <table className="mt-6 w-full min-w-[48rem] border-collapse text-sm" data-testid="plan-comparison">
          <thead>
            <tr className="border-b border-slate-300 text-left">
              <th scope="col" className="py-2 pr-4 font-medium text-slate-500">
                &nbsp;
              </th>
              {plans.map((plan) => (
                <th key={plan.id} scope="col" className="px-3 py-2 text-center text-base font-semibold">
                  {plan.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <SectionRow title="Quotas" span={plans.length + 1} />
            {QUOTA_ROWS.map((row) => (
              <tr key={row.key} className="border-b border-slate-100" data-row={row.key}>
                <th scope="row" className="py-2 pr-4 text-left font-normal text-slate-700">
                  {row.label}
                </th>
                {plans.map((plan) => (
                  <td key={plan.id} className="px-3 py-2 text-center font-medium">
                    {quotaText(plan, row.key)}
                  </td>
                ))}
              </tr>
            ))}
            <tr className="border-b border-slate-100" data-row="rate_limit">
              <th scope="row" className="py-2 pr-4 text-left font-normal text-slate-700">
                API rate limit (per workspace)
              </th>
              {plans.map((plan) => (
                <td key={plan.id} className="px-3 py-2 text-center font-medium">
                  {rateLimitText(plan)}
                </td>
              ))}
            </tr>
            <SectionRow title="Features" span={plans.length + 1} />
            {FEATURE_ROWS.map((row) => (
              <tr key={row.key} className="border-b border-slate-100" data-row={row.key}>
                <th scope="row" className="py-2 pr-4 text-left font-normal text-slate-700">
                  {row.label}
                </th>
                {plans.map((plan) => (
                  <td key={plan.id} className="px-3 py-2 text-center">
                    {plan.features[row.key] ? (
                      <span className="font-semibold text-emerald-700">
                        <span aria-hidden>✓</span>
                        <span className="sr-only">Included</span>
                      </span>
                    ) : (
                      <span className="text-slate-400">
                        <span aria-hidden>—</span>
                        <span className="sr-only">Not included</span>
                      </span>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

function SectionRow({ title, span }: { title: string; span: number }) {
  return (
    <tr>
      <th
        scope="colgroup"
        colSpan={span}
        className="pt-6 pb-2 text-left text-xs font-semibold tracking-widest text-slate-500 uppercase"
      >
        {title}
      </th>
    </tr>
  );
}

function PlanSummary({ plan, billing }: { plan: PlanView; billing: Billing }) {
  const contactSales = plan.priceMonthly === null;
  const yearly = plan.priceAnnual ?? (plan.priceMonthly === null ? null : plan.priceMonthly * 12);
  const saving = plan.priceMonthly && yearly !== null ? Math.round((1 - yearly / (plan.priceMonthly * 12)) * 100) : 0;
  return (
    <article
      data-testid="pricing-plan"
      data-plan={plan.id}
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
    >
      <header>
        <h3 className="text-xl font-semibold">{plan.name}</h3>
        {plan.description && <p className="mt-1 text-sm text-slate-600">{plan.description}</p>}
      </header>
      <div data-testid="plan-price" className="min-h-16">
        {contactSales ? (
          <p className="text-2xl font-bold">Custom pricing</p>
        ) : billing === "monthly" ? (
          <p className="text-3xl font-bold">
            {money(plan.priceMonthly ?? 0, plan.currency)}
            <span className="text-base font-normal text-slate-500"> / month</span>
          </p>
        ) : (
          <>
            <p className="text-3xl font-bold">
              {money(yearly ?? 0, plan.currency)}
              <span className="text-base font-normal text-slate-500"> / year</span>
            </p>
            {saving > 0 && <p className="text-sm text-emerald-700">Save {saving}% against monthly</p>}
          </>
        )}
      </div>
      <ul className="space-y-1 text-sm text-slate-700">
        <li>{quotaText(plan, "users")} users</li>
        <li>{quotaText(plan, "storageMb")} storage</li>
        <li>{quotaText(plan, "invoicesPerMonth")} invoices / month</li>
      </ul>
      <div className="mt-auto">
        {contactSales ? (
          <a
            href={`mailto:${SALES_EMAIL}?subject=${encodeURIComponent(`${plan.name} plan`)}`}
            className="block rounded-lg border border-blue-700 px-4 py-2 text-center font-medium text-blue-700 hover:bg-blue-50"
          >
            Contact sales
          </a>
        ) : (
          <Link
            href={`/signup?plan=${encodeURIComponent(plan.id)}`}
            className="block rounded-lg bg-blue-700 px-4 py-2 text-center font-medium text-white hover:bg-blue-800"
          >
            {plan.priceMonthly === 0 ? "Start free" : `Start with ${plan.name}`}
          </Link>
        )}
      </div>
    </article>
  );
}
