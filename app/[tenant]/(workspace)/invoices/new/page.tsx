import { FeatureLocked } from "@/components/accounting/feature-locked";
import { InvoiceForm } from "@/components/accounting/invoice-form";
import { flatSearch, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { saveInvoiceAction } from "../actions";
import { invoiceFormChoices } from "../form-data";

export const metadata = { title: "New invoice" };

export default async function NewInvoicePage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.invoices;
  if (!hasFeature(scope.tenant, feature) || !scope.can("records:create"))
    return (
      <main className="mx-auto max-w-5xl px-6 py-10">
        <h1 className="text-2xl font-bold">New invoice</h1>
        {!hasFeature(scope.tenant, feature) ? (
          <FeatureLocked feature={feature} planName={scope.tenant.planName} />
        ) : (
          <p className="mt-4 text-slate-600">Your role cannot create invoices.</p>
        )}
      </main>
    );
  const search = flatSearch(await searchParams);
  const { customers, products } = await invoiceFormChoices(scope);
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <h1 className="text-2xl font-bold">New invoice</h1>
      <InvoiceForm
        action={saveInvoiceAction}
        customers={customers}
        products={products}
        defaultCurrency={scope.tenant.locale.currency}
        defaultCustomerId={search.customerId}
        language={scope.tenant.locale}
      />
    </main>
  );
}
