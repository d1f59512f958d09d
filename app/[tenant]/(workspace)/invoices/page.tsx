import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDate, formatMoney } from "@/components/accounting/format";
import {
  FilterBar,
  ListError,
  NextPageLink,
  PageHeader,
  SortHeader,
  StatusBadge,
} from "@/components/accounting/list-controls";
import { customerNames, customerOptions } from "@/components/accounting/lookups";
import { flatSearch, listOrError, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { INVOICE_SORT, listInvoices, type InvoiceDto } from "@/lib/accounting/invoices";
import { INVOICE_STATUSES } from "@/lib/accounting/schemas";

export const metadata = { title: "Invoices" };
const PATH = "/invoices";
const input = "mt-1 block rounded-lg border border-slate-300 px-3 py-2";

export default async function InvoicesPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.invoices;
  if (!hasFeature(tenant, feature)) return <LockedPage title="Invoices" feature={feature} planName={tenant.planName} />;
  const search = flatSearch(await searchParams);
  const { page, error } = await listOrError(scope, () =>
    listInvoices({
      status: search.status as InvoiceDto["status"] | undefined,
      customerId: search.customerId,
      from: search.from,
      to: search.to,
      sort: search.sort,
      cursor: search.cursor,
      limit: search.limit,
    }),
  );
  const customers = await customerOptions(scope);
  const names = await customerNames(scope, page?.data.map((i) => i.customerId) ?? []);
  const lang = tenant.locale;
  const sortProps = { path: PATH, search, defaultSort: INVOICE_SORT.default };
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader
        title="Invoices"
        action={scope.can("records:create") ? { href: "/invoices/new", label: "New invoice" } : undefined}
      />
      <FilterBar path={PATH}>
        <label className="block">
          <span className="text-slate-600">Status</span>
          <select name="status" defaultValue={search.status ?? ""} className={input}>
            <option value="">any</option>
            {INVOICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-slate-600">Customer</span>
          <select name="customerId" defaultValue={search.customerId ?? ""} className={input}>
            <option value="">any</option>
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-slate-600">Issued from</span>
          <input type="date" name="from" defaultValue={search.from} className={input} />
        </label>
        <label className="block">
          <span className="text-slate-600">to</span>
          <input type="date" name="to" defaultValue={search.to} className={input} />
        </label>
        {search.sort && <input type="hidden" name="sort" value={search.sort} />}
      </FilterBar>
      {error && <ListError message={error} />}
      {page && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="invoice-table">
            <thead className="text-slate-500">
              <tr>
                <SortHeader {...sortProps} field="number" label="Number" className="px-4 py-2" />
                <th className="py-2 pr-4">Customer</th>
                <th className="py-2 pr-4">Status</th>
                <SortHeader {...sortProps} field="issueDate" label="Issued" />
                <SortHeader {...sortProps} field="dueDate" label="Due" />
                <SortHeader {...sortProps} field="totalMinor" label="Total" className="py-2 pr-4 text-right" />
              </tr>
            </thead>
            <tbody>
              {page.data.map((inv) => (
                <tr key={inv.id} className="border-t border-slate-100">
                  <td className="px-4 py-2">
                    <Link href={`/invoices/${inv.id}`} className="font-medium text-blue-700 hover:underline">
                      {inv.number}
                    </Link>
                  </td>
                  <td className="pr-4">
                    <Link href={`/customers/${inv.customerId}`} className="hover:underline">
                      {names.get(inv.customerId) ?? "—"}
                    </Link>
                  </td>
                  <td className="pr-4">
                    <StatusBadge status={inv.status} />
                  </td>
                  <td className="pr-4">{formatDate(inv.issueDate, lang)}</td>
                  <td className="pr-4">{formatDate(inv.dueDate, lang)}</td>
                  <td className="pr-4 text-right tabular-nums">{formatMoney(inv.totalMinor, inv.currency, lang)}</td>
                </tr>
              ))}
              {page.data.length === 0 && (
                <tr>
                  <td colSpan={6} className="px-4 py-6 text-center text-slate-500">
                    No invoices found.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <NextPageLink path={PATH} search={search} nextCursor={page.nextCursor} />
        </>
      )}
    </main>
  );
}
