import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDate, formatMoney } from "@/components/accounting/format";
import { Details, PageHeader, StatusBadge } from "@/components/accounting/list-controls";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { DeleteButton } from "@/components/accounting/record-buttons";
import { getCustomer } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { listInvoices } from "@/lib/accounting/invoices";
import { deleteCustomerAction } from "../actions";

export const metadata = { title: "Customer" };

export default async function CustomerPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.customers;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Customer" feature={feature} planName={tenant.planName} width="max-w-5xl" />;
  const { id } = await params;
  const customer = await orNotFound(scope.run(() => getCustomer(id)));
  const invoices = await scope.run(() => listInvoices({ customerId: customer.id, limit: 20 }));
  const address = [
    customer.addressLine1,
    customer.addressLine2,
    [customer.postalCode, customer.city].filter(Boolean).join(" "),
    customer.country,
  ]
    .filter(Boolean)
    .join(", ");
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <p className="text-sm">
        <Link href="/customers" className="text-slate-500 hover:underline">
          ← Customers
        </Link>
      </p>
      <PageHeader title={customer.name}>
        {scope.can("records:create") && (
          <Link
            href={`/invoices/new?customerId=${customer.id}`}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          >
            New invoice
          </Link>
        )}
        {scope.can("records:update") && (
          <Link
            href={`/customers/${customer.id}/edit`}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          >
            Edit
          </Link>
        )}
        {scope.can("records:delete") && <DeleteButton action={deleteCustomerAction} id={customer.id} what="customer" />}
      </PageHeader>
      <Details
        items={[
          { label: "E-mail", value: customer.email },
          { label: "Phone", value: customer.phone },
          { label: "Tax ID", value: customer.taxId },
          { label: "Address", value: address || null },
          { label: "Created", value: formatDate(customer.createdAt, tenant.locale) },
          { label: "Notes", value: customer.notes },
        ]}
      />
      <h2 className="mt-8 text-lg font-semibold">Invoices</h2>
      <table className="mt-2 w-full rounded-xl bg-white text-left text-sm shadow-sm">
        <thead className="text-slate-500">
          <tr>
            <th className="px-4 py-2">Number</th>
            <th>Status</th>
            <th>Issued</th>
            <th>Due</th>
            <th className="pr-4 text-right">Total</th>
          </tr>
        </thead>
        <tbody>
          {invoices.data.map((inv) => (
            <tr key={inv.id} className="border-t border-slate-100">
              <td className="px-4 py-2">
                <Link href={`/invoices/${inv.id}`} className="text-blue-700 hover:underline">
                  {inv.number}
                </Link>
              </td>
              <td>
                <StatusBadge status={inv.status} />
              </td>
              <td>{formatDate(inv.issueDate, tenant.locale)}</td>
              <td>{formatDate(inv.dueDate, tenant.locale)}</td>
              <td className="pr-4 text-right tabular-nums">
                {formatMoney(inv.totalMinor, inv.currency, tenant.locale)}
              </td>
            </tr>
          ))}
          {invoices.data.length === 0 && (
            <tr>
              <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                No invoices yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {invoices.nextCursor && (
        <p className="mt-2 text-sm">
          <Link href={`/invoices?customerId=${customer.id}`} className="underline">
            All invoices of this customer →
          </Link>
        </p>
      )}
    </main>
  );
}
