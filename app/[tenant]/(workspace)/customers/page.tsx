import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { FilterBar, ListError, NextPageLink, PageHeader, SortHeader } from "@/components/accounting/list-controls";
import { flatSearch, listOrError, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { listCustomers } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";

export const metadata = { title: "Customers" };
const PATH = "/customers";

export default async function CustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.customers;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Customers" feature={feature} planName={tenant.planName} />;
  const search = flatSearch(await searchParams);
  const { page, error } = await listOrError(scope, () =>
    listCustomers({ q: search.q, sort: search.sort, cursor: search.cursor, limit: search.limit }),
  );
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader
        title="Customers"
        action={scope.can("records:create") ? { href: "/customers/new", label: "New customer" } : undefined}
      />
      <FilterBar path={PATH}>
        <label className="block">
          <span className="text-slate-600">Search</span>
          <input
            name="q"
            defaultValue={search.q}
            placeholder="Name or e-mail"
            className="mt-1 block rounded-lg border border-slate-300 px-3 py-2"
          />
        </label>
        {search.sort && <input type="hidden" name="sort" value={search.sort} />}
      </FilterBar>
      {error && <ListError message={error} />}
      {page && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="customer-table">
            <thead className="text-slate-500">
              <tr>
                <SortHeader
                  path={PATH}
                  search={search}
                  field="name"
                  label="Name"
                  defaultSort="name"
                  className="px-4 py-2"
                />
                <th className="py-2 pr-4">E-mail</th>
                <th className="py-2 pr-4">City</th>
                <th className="py-2 pr-4">Country</th>
                <SortHeader path={PATH} search={search} field="createdAt" label="Created" defaultSort="name" />
              </tr>
            </thead>
            <tbody>
              {page.data.map((c) => (
                <tr key={c.id} className="border-t border-slate-100">
                  <td className="px-4 py-2">
                    <Link href={`/customers/${c.id}`} className="font-medium text-blue-700 hover:underline">
                      {c.name}
                    </Link>
                  </td>
                  <td className="pr-4">{c.email ?? "—"}</td>
                  <td className="pr-4">{c.city ?? "—"}</td>
                  <td className="pr-4">{c.country ?? "—"}</td>
                  <td className="pr-4">{c.createdAt.slice(0, 10)}</td>
                </tr>
              ))}
              {page.data.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    No customers found.
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
