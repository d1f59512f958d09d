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
import { listProjects, PROJECT_SORT } from "@/lib/accounting/projects";
import { PROJECT_STATUSES } from "@/lib/accounting/schemas";

export const metadata = { title: "Projects" };
const PATH = "/projects";
const input = "mt-1 block rounded-lg border border-slate-300 px-3 py-2";

export default async function ProjectsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.projects;
  if (!hasFeature(tenant, feature)) return <LockedPage title="Projects" feature={feature} planName={tenant.planName} />;
  const search = flatSearch(await searchParams);
  const { page, error } = await listOrError(scope, () =>
    listProjects({
      status: search.status,
      customerId: search.customerId,
      sort: search.sort,
      cursor: search.cursor,
      limit: search.limit,
    }),
  );
  const customers = await customerOptions(scope);
  const names = await customerNames(scope, page?.data.map((p) => p.customerId) ?? []);
  const lang = tenant.locale;
  const sortProps = { path: PATH, search, defaultSort: PROJECT_SORT.default };
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader
        title="Projects"
        action={scope.can("records:create") ? { href: "/projects/new", label: "New project" } : undefined}
      />
      <FilterBar path={PATH}>
        <label className="block">
          <span className="text-slate-600">Status</span>
          <select name="status" defaultValue={search.status ?? ""} className={input}>
            <option value="">any</option>
            {PROJECT_STATUSES.map((s) => (
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
        {search.sort && <input type="hidden" name="sort" value={search.sort} />}
      </FilterBar>
      {error && <ListError message={error} />}
      {page && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="project-table">
            <thead className="text-slate-500">
              <tr>
                <SortHeader {...sortProps} field="name" label="Name" className="px-4 py-2" />
                <th className="py-2 pr-4">Customer</th>
                <SortHeader {...sortProps} field="status" label="Status" />
                <th className="py-2 pr-4">Dates</th>
                <th className="py-2 pr-4 text-right">Budget</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((p) => (
                <tr key={p.id} className="border-t border-slate-100">
                  <td className="px-4 py-2">
                    <Link href={`/projects/${p.id}`} className="font-medium text-blue-700 hover:underline">
                      {p.name}
                    </Link>
                  </td>
                  <td className="pr-4">{p.customerId ? (names.get(p.customerId) ?? "—") : "—"}</td>
                  <td className="pr-4">
                    <StatusBadge status={p.status} />
                  </td>
                  <td className="pr-4">
                    {p.startDate || p.endDate
                      ? `${formatDate(p.startDate, lang)} – ${formatDate(p.endDate, lang)}`
                      : "—"}
                  </td>
                  <td className="pr-4 text-right tabular-nums">
                    {p.budgetMinor === null ? "—" : formatMoney(p.budgetMinor, tenant.locale.currency, lang)}
                  </td>
                </tr>
              ))}
              {page.data.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    No projects found.
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
