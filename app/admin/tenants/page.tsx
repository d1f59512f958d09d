import Link from "next/link";
import { hrefWith, ListError } from "@/components/accounting/list-controls";
import { ValidationError } from "@/lib/http/errors";
import {
  activePlans,
  ISOLATION_LEVELS,
  listQueryFrom,
  listTenants,
  TENANT_STATUSES,
  type AdminTenantPage,
} from "@/lib/platform/admin-tenants";
import { adminForPage } from "../_lib/guard";
import { AdminForbidden, AdminShell, TenantStatusBadge } from "../_lib/shell";

export const metadata = { title: "Tenants · Platform admin" };

type Search = Record<string, string | string[] | undefined>;

export default async function AdminTenantsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await adminForPage();
  if (!user) return <AdminForbidden />;
  const raw = await searchParams;
  const query = listQueryFrom(raw);
  const search: Record<string, string> = {};
  for (const key of ["search", "status", "tier", "level", "pageSize"] as const) {
    const value = raw[key];
    if (typeof value === "string" && value) search[key] = value;
  }
  let result: AdminTenantPage | null = null;
  let error: string | null = null;
  try {
    result = await listTenants(query);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    error = e.message;
  }
  const plans = await activePlans();
  const select = "mt-1 block rounded-lg border border-slate-300 bg-white px-3 py-2";

  return (
    <AdminShell user={user}>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-bold">Tenants</h1>
        <Link href="/admin/tenants/new" className="rounded-lg bg-blue-700 px-4 py-2 text-sm font-semibold text-white">
          New tenant
        </Link>
      </div>
      {raw.deleted === "1" && (
        <p role="status" className="mt-4 rounded-lg bg-green-50 px-3 py-2 text-sm text-green-800">
          The tenant was deleted.
        </p>
      )}

      <form method="get" action="/admin/tenants" className="mt-6 flex flex-wrap items-end gap-3 text-sm" role="search">
        <label className="block">
          <span className="font-medium text-slate-700">Search</span>
          <input
            name="search"
            type="search"
            defaultValue={search.search}
            placeholder="Name, slug or e-mail"
            className="mt-1 block rounded-lg border border-slate-300 px-3 py-2"
          />
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Status</span>
          <select name="status" defaultValue={search.status ?? ""} className={select}>
            <option value="">Any</option>
            {TENANT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Plan</span>
          <select name="tier" defaultValue={search.tier ?? ""} className={select}>
            <option value="">Any</option>
            {plans.map((p) => (
              <option key={p.tier} value={p.tier}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="font-medium text-slate-700">Isolation</span>
          <select name="level" defaultValue={search.level ?? ""} className={select}>
            <option value="">Any</option>
            {ISOLATION_LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <button className="rounded-lg border border-slate-300 bg-white px-3 py-2 font-medium">Filter</button>
        <Link href="/admin/tenants" className="py-2 text-slate-500 underline">
          Reset
        </Link>
      </form>

      {error && <ListError message={error} />}
      {result && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="tenant-list">
            <thead className="border-b border-slate-200 text-slate-500">
              <tr>
                <th className="px-4 py-2">Name</th>
                <th className="py-2 pr-4">Slug</th>
                <th className="py-2 pr-4">Status</th>
                <th className="py-2 pr-4">Plan</th>
                <th className="py-2 pr-4">Isolation</th>
                <th className="py-2 pr-4">Owner</th>
                <th className="py-2 pr-4">Created</th>
              </tr>
            </thead>
            <tbody>
              {result.data.map((t) => (
                <tr key={t.id} className="border-b border-slate-100 last:border-0" data-slug={t.slug}>
                  <td className="px-4 py-2">
                    <Link href={`/admin/tenants/${t.id}`} className="font-medium text-blue-700 underline">
                      {t.name}
                    </Link>
                  </td>
                  <td className="py-2 pr-4">{t.slug}</td>
                  <td className="py-2 pr-4">
                    <TenantStatusBadge status={t.status} />
                  </td>
                  <td className="py-2 pr-4">{t.planName}</td>
                  <td className="py-2 pr-4">{t.isolationLevel}</td>
                  <td className="py-2 pr-4">{t.ownerEmail ?? "—"}</td>
                  <td className="py-2 pr-4">{t.createdAt.slice(0, 10)}</td>
                </tr>
              ))}
              {result.data.length === 0 && (
                <tr>
                  <td colSpan={7} className="px-4 py-6 text-center text-slate-500">
                    No tenants match.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <div className="mt-4 flex items-center gap-4 text-sm" data-testid="pagination">
            <span>
              Page {result.page} of {result.totalPages} · {result.total} tenant{result.total === 1 ? "" : "s"}
            </span>
            {result.page > 1 && (
              <Link
                href={hrefWith("/admin/tenants", { ...search, page: String(result.page - 1) })}
                className="underline"
              >
                ← Previous
              </Link>
            )}
            {result.page < result.totalPages && (
              <Link
                href={hrefWith("/admin/tenants", { ...search, page: String(result.page + 1) })}
                className="underline"
              >
                Next →
              </Link>
            )}
          </div>
        </>
      )}
    </AdminShell>
  );
}
