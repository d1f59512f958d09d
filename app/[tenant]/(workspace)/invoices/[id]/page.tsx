import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDate, formatDateTime, formatMoney } from "@/components/accounting/format";
import { Details, PageHeader, StatusBadge } from "@/components/accounting/list-controls";
import { customerNames } from "@/components/accounting/lookups";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { ActionButton, DeleteButton } from "@/components/accounting/record-buttons";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getInvoice } from "@/lib/accounting/invoices";
import { deleteInvoiceAction, payInvoiceAction, sendInvoiceAction, voidInvoiceAction } from "../actions";

export const metadata = { title: "Invoice" };

export default async function InvoicePage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.invoices;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Invoice" feature={feature} planName={tenant.planName} width="max-w-5xl" />;
  const { id } = await params;
  const invoice = await orNotFound(scope.run(() => getInvoice(id)));
  const names = await customerNames(scope, [invoice.customerId]);
  const lang = tenant.locale;
  const money = (minor: number) => formatMoney(minor, invoice.currency, lang);
  const canUpdate = scope.can("records:update");
  const { status } = invoice;
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <p className="text-sm">
        <Link href="/invoices" className="text-slate-500 hover:underline">
          ← Invoices
        </Link>
      </p>
      <PageHeader title={`Invoice ${invoice.number}`}>
        <StatusBadge status={status} />
        {canUpdate && status === "draft" && (
          <>
            <Link
              href={`/invoices/${invoice.id}/edit`}
              className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
            >
              Edit
            </Link>
            <ActionButton action={sendInvoiceAction} id={invoice.id} label="Send" />
          </>
        )}
        {canUpdate && status === "sent" && <ActionButton action={payInvoiceAction} id={invoice.id} label="Mark paid" />}
        {canUpdate && (status === "draft" || status === "sent") && (
          <ActionButton
            action={voidInvoiceAction}
            id={invoice.id}
            label="Void"
            tone="danger"
            confirm="Void this invoice? This cannot be undone."
          />
        )}
        {scope.can("records:delete") && status === "draft" && (
          <DeleteButton action={deleteInvoiceAction} id={invoice.id} what="draft invoice" />
        )}
      </PageHeader>
      <Details
        items={[
          {
            label: "Customer",
            value: (
              <Link href={`/customers/${invoice.customerId}`} className="text-blue-700 hover:underline">
                {names.get(invoice.customerId) ?? "—"}
              </Link>
            ),
          },
          { label: "Currency", value: invoice.currency },
          { label: "Issue date", value: formatDate(invoice.issueDate, lang) },
          { label: "Due date", value: formatDate(invoice.dueDate, lang) },
          ...(invoice.sentAt
            ? [{ label: "Sent", value: formatDateTime(invoice.sentAt, lang, tenant.locale.timezone) }]
            : []),
          ...(invoice.paidAt
            ? [{ label: "Paid", value: formatDateTime(invoice.paidAt, lang, tenant.locale.timezone) }]
            : []),
          ...(invoice.voidedAt
            ? [{ label: "Voided", value: formatDateTime(invoice.voidedAt, lang, tenant.locale.timezone) }]
            : []),
          { label: "Notes", value: invoice.notes },
        ]}
      />
      <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="invoice-lines">
        <thead className="text-slate-500">
          <tr>
            <th className="px-4 py-2">Description</th>
            <th className="text-right">Quantity</th>
            <th className="text-right">Unit price</th>
            <th className="text-right">Tax</th>
            <th className="pr-4 text-right">Amount</th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line) => (
            <tr key={line.id} className="border-t border-slate-100">
              <td className="px-4 py-2">
                {line.productId ? (
                  <Link href={`/products/${line.productId}`} className="hover:underline">
                    {line.description}
                  </Link>
                ) : (
                  line.description
                )}
              </td>
              <td className="text-right tabular-nums">{line.quantity}</td>
              <td className="text-right tabular-nums">{money(line.unitPriceMinor)}</td>
              <td className="text-right tabular-nums">
                {line.taxRateBps / 100}% · {money(line.taxMinor)}
              </td>
              <td className="pr-4 text-right tabular-nums">{money(line.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t border-slate-200">
            <td colSpan={4} className="px-4 py-1 text-right text-slate-500">
              Subtotal
            </td>
            <td className="pr-4 text-right tabular-nums">{money(invoice.subtotalMinor)}</td>
          </tr>
          <tr>
            <td colSpan={4} className="px-4 py-1 text-right text-slate-500">
              Tax
            </td>
            <td className="pr-4 text-right tabular-nums">{money(invoice.taxMinor)}</td>
          </tr>
          <tr className="font-semibold">
            <td colSpan={4} className="px-4 py-2 text-right">
              Total
            </td>
            <td className="pr-4 text-right tabular-nums" data-testid="invoice-total">
              {money(invoice.totalMinor)}
            </td>
          </tr>
        </tfoot>
      </table>
    </main>
  );
}
