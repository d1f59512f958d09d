import { FEATURE_LABELS, type PlanView } from "@/lib/platform/plans";

const LIMIT_LABELS: Array<[keyof PlanView["limits"], string, (n: number) => string]> = [
  ["users", "Users", (n) => n.toLocaleString("en-US")],
  ["storageMb", "Storage", (n) => (n >= 1024 ? `${n / 1024} GB` : `${n} MB`)],
  ["apiCallsPerMonth", "API calls / month", (n) => n.toLocaleString("en-US")],
  ["invoicesPerMonth", "Invoices / month", (n) => n.toLocaleString("en-US")],
  ["products", "Products", (n) => n.toLocaleString("en-US")],
  ["projects", "Projects", (n) => n.toLocaleString("en-US")],
  ["integrations", "Integrations", (n) => n.toLocaleString("en-US")],
];

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export function PlanCard({ plan }: { plan: PlanView }) {
  return (
    <article
      data-testid="plan-card"
      data-plan={plan.id}
      className="flex flex-col gap-4 rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
    >
      <header>
        <h3 className="text-xl font-semibold">{plan.name}</h3>
        {plan.description && <p className="mt-1 text-sm text-slate-600">{plan.description}</p>}
      </header>
      <div data-testid="plan-price">
        {plan.priceMonthly === null ? (
          <p className="text-2xl font-bold">Contact sales</p>
        ) : (
          <>
            <p className="text-3xl font-bold">
              {money(plan.priceMonthly, plan.currency)}
              <span className="text-base font-normal text-slate-500"> / month</span>
            </p>
            <p className="text-sm text-slate-500">
              or {money(plan.priceAnnual ?? plan.priceMonthly * 12, plan.currency)} / year
            </p>
          </>
        )}
      </div>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-sm">
        {LIMIT_LABELS.map(([key, label, format]) => (
          <div key={key} className="contents">
            <dt className="text-slate-500">{label}</dt>
            <dd className="text-right font-medium">
              {plan.limits[key] === null ? "Unlimited" : format(plan.limits[key])}
            </dd>
          </div>
        ))}
      </dl>
      <ul className="space-y-1 text-sm">
        {Object.entries(FEATURE_LABELS).map(([key, label]) => (
          <li key={key} className={plan.features[key] ? "text-slate-800" : "text-slate-400 line-through"}>
            <span aria-hidden>{plan.features[key] ? "✓ " : "✗ "}</span>
            <span className="sr-only">{plan.features[key] ? "Included: " : "Not included: "}</span>
            {label}
          </li>
        ))}
      </ul>
    </article>
  );
}
