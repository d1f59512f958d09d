import { LockedPage } from "@/components/accounting/feature-locked";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { ProductForm } from "@/components/accounting/product-form";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getProduct } from "@/lib/accounting/products";
import { saveProductAction } from "../../actions";

export const metadata = { title: "Edit product" };

export default async function EditProductPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.products;
  if (!hasFeature(scope.tenant, feature))
    return <LockedPage title="Edit product" feature={feature} planName={scope.tenant.planName} width="max-w-3xl" />;
  const { id } = await params;
  const product = await orNotFound(scope.run(() => getProduct(id)));
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">Edit {product.name}</h1>
      {scope.can("records:update") ? (
        <ProductForm action={saveProductAction} product={product} defaultCurrency={scope.tenant.locale.currency} />
      ) : (
        <p className="mt-4 text-slate-600">Your role cannot edit products.</p>
      )}
    </main>
  );
}
