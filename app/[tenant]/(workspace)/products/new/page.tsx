import { FeatureLocked } from "@/components/accounting/feature-locked";
import { pageScope } from "@/components/accounting/page-scope";
import { ProductForm } from "@/components/accounting/product-form";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { saveProductAction } from "../actions";

export const metadata = { title: "New product" };

export default async function NewProductPage({ params }: { params: Promise<{ tenant: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.products;
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">New product</h1>
      {!hasFeature(scope.tenant, feature) ? (
        <FeatureLocked feature={feature} planName={scope.tenant.planName} />
      ) : !scope.can("records:create") ? (
        <p className="mt-4 text-slate-600">Your role cannot create products.</p>
      ) : (
        <ProductForm action={saveProductAction} defaultCurrency={scope.tenant.locale.currency} />
      )}
    </main>
  );
}
