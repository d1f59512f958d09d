import { CustomerForm } from "@/components/accounting/customer-form";
import { LockedPage } from "@/components/accounting/feature-locked";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { getCustomer } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { saveCustomerAction } from "../../actions";

export const metadata = { title: "Edit customer" };

export default async function EditCustomerPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.customers;
  if (!hasFeature(scope.tenant, feature))
    return <LockedPage title="Edit customer" feature={feature} planName={scope.tenant.planName} width="max-w-3xl" />;
  const { id } = await params;
  const customer = await orNotFound(scope.run(() => getCustomer(id)));
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">Edit {customer.name}</h1>
      {scope.can("records:update") ? (
        <CustomerForm action={saveCustomerAction} customer={customer} />
      ) : (
        <p className="mt-4 text-slate-600">Your role cannot edit customers.</p>
      )}
    </main>
  );
}
