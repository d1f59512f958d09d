import { FEATURE_LABELS, planWithFeature } from "@/lib/platform/plans";

/** Shown instead of a page whose feature the workspace's plan does not include (no data). */
export async function FeatureLocked({ feature, planName }: { feature: string; planName: string }) {
  const label = FEATURE_LABELS[feature] ?? feature;
  const plan = await planWithFeature(feature);
  return (
    <div className="mt-6 rounded-xl border border-amber-300 bg-amber-50 p-6" data-testid="feature-locked">
      <h2 className="text-lg font-semibold">{label} is not part of your plan</h2>
      <p className="mt-2 text-slate-700">
        {plan
          ? `${label} comes with the ${plan} plan and above. Your workspace is on the ${planName} plan.`
          : `${label} is not available on the ${planName} plan.`}
      </p>
      <p className="mt-1 text-sm text-slate-600">Ask the workspace owner to upgrade to use it.</p>
    </div>
  );
}

/** A whole page replaced by the notice: the page's title, then FeatureLocked. */
export function LockedPage({
  title,
  feature,
  planName,
  width = "max-w-6xl",
}: {
  title: string;
  feature: string;
  planName: string;
  width?: string;
}) {
  return (
    <main className={`mx-auto ${width} px-6 py-10`}>
      <h1 className="text-2xl font-bold">{title}</h1>
      <FeatureLocked feature={feature} planName={planName} />
    </main>
  );
}
