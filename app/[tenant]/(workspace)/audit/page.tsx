import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDateTime } from "@/components/accounting/format";
import { FilterBar, ListError, NextPageLink, PageHeader } from "@/components/accounting/list-controls";
import { flatSearch, pageScope, type SearchParams } from "@/components/accounting/page-scope";
import { listAuditEvents, type AuditEventDto } from "@/lib/accounting/audit";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import type { Page } from "@/lib/accounting/pagination";
import { controlDb } from "@/lib/db/control";
import { DomainError, ValidationError } from "@/lib/http/errors";

export const metadata = { title: "Audit trail" };
const PATH = "/audit";
const input = "mt-1 block rounded-lg border border-slate-300 px-3 py-2";
const ENTITY_PATHS: Record<string, string> = {
  customer: "/customers",
  invoice: "/invoices",
  product: "/products",
  project: "/projects",
};

/** Top-level fields whose value differs between before and after. */
function changedFields(before: unknown, after: unknown): string[] {
  const b = (before && typeof before === "object" ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter(
    (key) => key !== "updatedAt" && JSON.stringify(b[key]) !== JSON.stringify(a[key]),
  );
}

function show(value: unknown): string {
  if (value === undefined) return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

async function actorNames(events: AuditEventDto[]): Promise<Map<string, string>> {
  const ids = [...new Set(events.filter((e) => e.actorType === "user" && e.actorId).map((e) => e.actorId as string))];
  if (ids.length === 0) return new Map();
  const db = await controlDb();
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: SearchParams;
}) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.auditEvents;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Audit trail" feature={feature} planName={tenant.planName} />;
  if (!scope.can("audit:read"))
    return (
      <main className="mx-auto max-w-6xl px-6 py-10">
        <h1 className="text-2xl font-bold">Audit trail</h1>
        <p className="mt-4 text-slate-600">Only owners and admins can read the audit trail.</p>
      </main>
    );
  const search = flatSearch(await searchParams);
  let page: Page<AuditEventDto> | null = null;
  let error: string | null = null;
  try {
    page = await scope.run(() =>
      listAuditEvents({
        entityType: search.entityType,
        entityId: search.entityId,
        action: search.action,
        sort: search.sort,
        cursor: search.cursor,
        limit: search.limit,
      }),
    );
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e instanceof ValidationError ? e.issues.map((i) => `${i.field}: ${i.message}`).join("; ") : e.message;
  }
  const actors = await actorNames(page?.data ?? []);
  const lang = tenant.locale;
  return (
    <main className="mx-auto max-w-6xl px-6 py-10">
      <PageHeader title="Audit trail" />
      <FilterBar path={PATH}>
        <label className="block">
          <span className="text-slate-600">Entity</span>
          <select name="entityType" defaultValue={search.entityType ?? ""} className={input}>
            <option value="">any</option>
            {Object.keys(ENTITY_PATHS).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="text-slate-600">Action</span>
          <input name="action" defaultValue={search.action} placeholder="invoice.paid" className={input} />
        </label>
      </FilterBar>
      {error && <ListError message={error} />}
      {page && (
        <>
          <table className="mt-6 w-full rounded-xl bg-white text-left text-sm shadow-sm" data-testid="audit-table">
            <thead className="text-slate-500">
              <tr>
                <th className="px-4 py-2">When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Entity</th>
                <th className="pr-4">Changes</th>
              </tr>
            </thead>
            <tbody>
              {page.data.map((event) => {
                const changed = changedFields(event.before, event.after);
                const base = ENTITY_PATHS[event.entityType];
                return (
                  <tr key={event.id} className="border-t border-slate-100 align-top">
                    <td className="px-4 py-2 whitespace-nowrap">
                      {formatDateTime(event.createdAt, lang, tenant.locale.timezone)}
                    </td>
                    <td className="pr-4">
                      {event.actorType === "user"
                        ? (actors.get(event.actorId ?? "") ?? "a former member")
                        : event.actorType === "api_key"
                          ? "API key"
                          : "system"}
                    </td>
                    <td className="pr-4 font-mono text-xs">{event.action}</td>
                    <td className="pr-4">
                      {base && event.entityId && !event.action.endsWith(".deleted") ? (
                        <a href={`${base}/${event.entityId}`} className="text-blue-700 hover:underline">
                          {event.entityType}
                        </a>
                      ) : (
                        event.entityType
                      )}
                    </td>
                    <td className="pr-4">
                      <details>
                        <summary className="cursor-pointer text-slate-600">
                          {changed.length
                            ? changed.slice(0, 4).join(", ") + (changed.length > 4 ? " …" : "")
                            : "details"}
                        </summary>
                        <table className="mt-2 text-xs">
                          <thead className="text-slate-500">
                            <tr>
                              <th className="pr-3">Field</th>
                              <th className="pr-3">Before</th>
                              <th>After</th>
                            </tr>
                          </thead>
                          <tbody>
                            {changed.map((field) => (
                              <tr key={field}>
                                <td className="pr-3 font-mono">{field}</td>
                                <td className="max-w-xs pr-3 break-all text-red-700">
                                  {show((event.before as Record<string, unknown> | null)?.[field])}
                                </td>
                                <td className="max-w-xs break-all text-green-800">
                                  {show((event.after as Record<string, unknown> | null)?.[field])}
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </details>
                    </td>
                  </tr>
                );
              })}
              {page.data.length === 0 && (
                <tr>
                  <td colSpan={5} className="px-4 py-6 text-center text-slate-500">
                    No events recorded yet.
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
