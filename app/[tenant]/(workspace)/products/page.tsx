import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatMoney } from "@/components/accounting/format";
import { FilterBar, ListError, NextPageLink, PageHeader, SortHeader } from "@/components/accounting/list-controls";
import { flatSearch, listOrError, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { listProducts, PRODUCT_SORT } from "@/lib/accounting/products";

export const metadata = { title: "Products" };
const PATH = "/products";
const input = "mt-1 block rounded-lg border border-slate-300 px-3 py-2";

export default async function ProductsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.products;
  if (!hasFeature(tenant, feature)) return <LockedPage title="Products" feature={feature} planName={tenant.planName} />;
  const search = flatSearch(await searchParams);
  const { page, error } = await listOrError(scope, () =>
    listProducts({
      q: search.q,
      archived: search.archived,
      sort: search.sort,
      cursor: search.cursor,
      limit: search.limit,
    }),
  );
  const lang = tenant.locale;
  const sortProps = { path: PATH, search, defaultSort: PRODUCT_SORT.default };
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader
        title="Products"
        action={scope.can("records:create") ? { href: "/products/new", label: "New product" } : undefined}
      />
      <FilterBar path={PATH}>
        <label className="block">
          <span className="text-slate-600">Search</span>
          <input name="q" defaultValue={search.q} placeholder="Name or SKU" className={input} />
        </label>
        <label className="block">
          <span className="text-slate-600">Archived</span>
          <select name="archived" defaultValue={search.archived ?? ""} className={input}>
            <option value="">all</option>
            <option value="false">active only</option>
            <option value="true">archived only</option>
          </select>
        </label>
        {search.sort && <input type="hidden" name="sort" value={search.sort} />}
      </FilterBar>
      {error && <ListError message={error} />}
      {page && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="product-table">
            <thead className="text-slate-500">
              <tr>
                <SortHeader {...sortProps} field="sku" label="SKU" className="px-4 py-2" />
                <SortHeader {...sortProps} field="name" label="Name" />
                <SortHeader {...sortProps} field="priceMinor" label="Price" className="py-2 pr-4 text-right" />
                <SortHeader {...sortProps} field="stock" label="Stock" className="py-2 pr-4 text-right" />
                <th className="py-2 pr-4" />
              </tr>
            </thead>
            <tbody>
              {page.data.map((p) => (
                <tr key={p.id} className="border-t border-slate-100">
                  <td className="px-4 py-2 font-mono text-xs">{p.sku}</td>
                  <td className="pr-4">
                    <Link href={`/products/${p.id}`} className="font-medium text-blue-700 hover:underline">
                      {p.name}
                    </Link>
                  </td>
                  <td className="pr-4 text-right tabular-nums">{formatMoney(p.priceMinor, p.currency, lang)}</td>
                  <td className={`pr-4 text-right tabular-nums ${p.stock === 0 ? "text-red-700" : ""}`}>{p.stock}</td>
                  <td className="pr-4 text-slate-500">{p.isArchived ? "archived" : ""}</td>
                </tr>
              ))}
              {page.data.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    No products found.
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
