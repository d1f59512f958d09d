import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { InvoiceForm } from "@/components/accounting/invoice-form";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getInvoice } from "@/lib/accounting/invoices";
import { saveInvoiceAction } from "../../actions";
import { invoiceFormChoices } from "../../form-data";

export const metadata = { title: "Edit invoice" };

export default async function EditInvoicePage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const feature = FEATURE_FOR_RESOURCE.invoices;
  if (!hasFeature(scope.tenant, feature))
    return <LockedPage title="Edit invoice" feature={feature} planName={scope.tenant.planName} width="max-w-5xl" />;
  const { id } = await params;
  const invoice = await orNotFound(scope.run(() => getInvoice(id)));
  const { customers, products } = await invoiceFormChoices(scope);
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <h1 className="text-2xl font-bold">Edit invoice {invoice.number}</h1>
      {!scope.can("records:update") ? (
        <p className="mt-4 text-slate-600">Your role cannot edit invoices.</p>
      ) : invoice.status !== "draft" ? (
        <p className="mt-4 text-slate-600">
          Only drafts can be edited; this invoice is {invoice.status}.{" "}
          <Link href={`/invoices/${invoice.id}`} className="underline">
            Back to the invoice
          </Link>
        </p>
      ) : (
        <InvoiceForm
          action={saveInvoiceAction}
          invoice={invoice}
          customers={customers}
          products={products}
          defaultCurrency={scope.tenant.locale.currency}
          language={scope.tenant.locale}
        />
      )}
    </main>
  );
}
