import { CustomerForm } from "@/components/accounting/customer-form";
import { FeatureLocked } from "@/components/accounting/feature-locked";
import { pageScope } from "@/components/accounting/page-scope";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { saveCustomerAction } from "../actions";

export const metadata = { title: "New customer" };

export default async function NewCustomerPage({ params }: { params: Promise<{ tenant: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.customers;
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">New customer</h1>
      {!hasFeature(scope.tenant, feature) ? (
        <FeatureLocked feature={feature} planName={scope.tenant.planName} />
      ) : !scope.can("records:create") ? (
        <p className="mt-4 text-slate-600">Your role cannot create customers.</p>
      ) : (
        <CustomerForm action={saveCustomerAction} />
      )}
    </main>
  );
}
