import { pageScope } from "@/components/accounting/page-scope";
import { featuresAdded, FEATURE_ROWS, quotaText, rateLimitText } from "@/components/pricing/plan-rows";
import { FEATURE_LABELS, listPublicPlans } from "@/lib/platform/plans";
import { tenantFeatures } from "@/lib/platform/tenant-features";

export const metadata = { title: "Features" };

/**
 * The workspace's features now (its plan's, with any override a platform admin set), and
 * what each plan adds, so a member sees what an upgrade would bring.
 */
export default async function FeaturesPage({ params }: { params: Promise<{ tenant: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const [features, plans] = await Promise.all([tenantFeatures(tenant.id), listPublicPlans()]);
  const added = featuresAdded(plans);
  const currentIndex = plans.findIndex((plan) => plan.tier === tenant.tier);
  const date = (iso: string) =>
    new Intl.DateTimeFormat(tenant.locale.language, { dateStyle: "medium", timeZone: tenant.locale.timezone }).format(
      new Date(iso),
    );
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <h1 className="text-2xl font-bold">Features</h1>
      <p className="mt-1 text-slate-600">
        {tenant.name} is on the <strong>{tenant.planName}</strong> plan.
      </p>

      <section aria-labelledby="yours-heading" className="mt-8 rounded-xl bg-white p-6 shadow-sm">
        <h2 id="yours-heading" className="font-semibold">
          Your workspace
        </h2>
        <ul className="mt-4 divide-y divide-slate-100" data-testid="tenant-features">
          {features.map((feature) => (
            <li
              key={feature.key}
              data-feature={feature.key}
              data-enabled={feature.enabled}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
            >
              <span className={feature.enabled ? "font-medium" : "text-slate-500"}>
                <span aria-hidden>{feature.enabled ? "✓ " : "— "}</span>
                {feature.label}
              </span>
              <span className="text-sm text-slate-600">
                {feature.enabled
                  ? feature.source === "override"
                    ? `Enabled for this workspace${feature.expiresAt ? ` until ${date(feature.expiresAt)}` : ""}`
                    : "Included in your plan"
                  : feature.source === "override"
                    ? `Turned off for this workspace${feature.expiresAt ? ` until ${date(feature.expiresAt)}` : ""}`
                    : feature.availableFrom
                      ? `Comes with the ${feature.availableFrom} plan and above`
                      : "Not available on a public plan"}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="plans-heading" className="mt-8">
        <h2 id="plans-heading" className="font-semibold">
          What each plan adds
        </h2>
        <ol className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-5" data-testid="plan-additions">
          {plans.map((plan, index) => {
            const isCurrent = index === currentIndex;
            const features = added.get(plan.id) ?? [];
            return (
              <li
                key={plan.id}
                data-plan={plan.id}
                aria-current={isCurrent ? "true" : undefined}
                className={`rounded-xl border bg-white p-4 shadow-sm ${
                  isCurrent ? "border-brand border-2" : "border-slate-200"
                }`}
              >
                <h3 className="font-semibold">
                  {plan.name}
                  {isCurrent && <span className="ml-2 text-xs font-normal text-slate-500">(your plan)</span>}
                </h3>
                <p className="mt-1 text-xs text-slate-500">
                  {index === 0 ? "Includes" : `Everything in ${plans[index - 1].name}, plus`}
                </p>
                <ul className="mt-2 space-y-1 text-sm">
                  {features.map((key) => (
                    <li key={key}>{FEATURE_LABELS[key] ?? key}</li>
                  ))}
                  {features.length === 0 && <li className="text-slate-500">higher limits</li>}
                </ul>
                <dl className="mt-3 grid grid-cols-2 gap-x-2 text-xs text-slate-600">
                  <dt>Users</dt>
                  <dd className="text-right">{quotaText(plan, "users")}</dd>
                  <dt>Storage</dt>
                  <dd className="text-right">{quotaText(plan, "storageMb")}</dd>
                  <dt>API calls / month</dt>
                  <dd className="text-right">{quotaText(plan, "apiCallsPerMonth")}</dd>
                  <dt>API rate</dt>
                  <dd className="text-right">{rateLimitText(plan)}</dd>
                </dl>
              </li>
            );
          })}
        </ol>
        <p className="mt-3 text-sm text-slate-600">
          {FEATURE_ROWS.length} features in all. Ask the workspace owner to change the plan.
        </p>
      </section>
    </main>
  );
}
