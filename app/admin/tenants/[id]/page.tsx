import Link from "next/link";
import { notFound } from "next/navigation";
import { Details } from "@/components/accounting/list-controls";
import { NotFoundError } from "@/lib/http/errors";
import { activePlans, getTenant, type AdminTenantDetail } from "@/lib/platform/admin-tenants";
import { platformAuditFor } from "@/lib/platform/audit-log";
import { adminForPage } from "../../_lib/guard";
import { AdminForbidden, AdminShell, TenantStatusBadge } from "../../_lib/shell";
import { EditTenantForm } from "../_components/edit-tenant-form";
import { StatusActions } from "../_components/status-actions";

export const metadata = { title: "Tenant · Platform admin" };

const limit = (value: number | null | undefined) => (value === null ? "unlimited" : (value ?? "—"));

export default async function AdminTenantPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await adminForPage();
  if (!user) return <AdminForbidden />;
  const { id } = await params;
  let tenant: AdminTenantDetail;
  try {
    tenant = await getTenant(id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const [plans, audit] = await Promise.all([activePlans(), platformAuditFor("tenant", tenant.id)]);
  const rootDomain = process.env.ROOT_DOMAIN || "localhost:3000";

  return (
    <AdminShell user={user}>
      <Link href="/admin/tenants" className="text-sm underline">
        ← Tenants
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold" data-testid="tenant-name">
          {tenant.name}
        </h1>
        <TenantStatusBadge status={tenant.status} />
      </div>
      {tenant.status === "suspended" && (
        <p className="mt-2 text-sm text-amber-800" data-testid="suspended-reason">
          Suspended {tenant.suspendedAt?.slice(0, 16).replace("T", " ")} UTC: {tenant.suspendedReason}
        </p>
      )}

      <Details
        items={[
          { label: "Slug", value: tenant.slug },
          { label: "Address", value: `${tenant.slug}.${rootDomain}` },
          { label: "Plan", value: `${tenant.planName} (${tenant.tier})` },
          { label: "Isolation", value: tenant.isolationLevel },
          { label: "Owner", value: tenant.owner ? `${tenant.owner.name ?? ""} <${tenant.owner.email}>` : null },
          { label: "Members", value: tenant.memberCount },
          { label: "Custom domains", value: tenant.domains.map((d) => d.domain).join(", ") || null },
          { label: "Created", value: tenant.createdAt.slice(0, 10) },
          {
            label: "Quota",
            value: tenant.quota
              ? `${limit(tenant.quota.maxUsers)} users · ${limit(tenant.quota.maxInvoicesPerMonth)} invoices/month · ${limit(tenant.quota.maxProducts)} products · ${limit(tenant.quota.maxProjects)} projects`
              : null,
          },
        ]}
      />

      <StatusActions key={tenant.status} id={tenant.id} slug={tenant.slug} status={tenant.status} />

      <h2 className="mt-8 text-lg font-semibold">Details</h2>
      <EditTenantForm key={tenant.id} tenant={tenant} plans={plans} />

      <h2 className="mt-8 text-lg font-semibold">Audit log</h2>
      <ul className="mt-3 space-y-2 text-sm" data-testid="tenant-audit">
        {audit.length === 0 && <li className="text-slate-500">No admin actions yet.</li>}
        {audit.map((entry) => (
          <li key={entry.id} className="rounded-lg bg-white px-4 py-2 shadow-sm">
            <span className="font-mono">{entry.action}</span>{" "}
            <span className="text-slate-500">
              {entry.createdAt.toISOString().slice(0, 19).replace("T", " ")} UTC{entry.ip ? ` · ${entry.ip}` : ""}
            </span>
            <pre className="mt-1 overflow-x-auto text-xs text-slate-600">{JSON.stringify(entry.data)}</pre>
          </li>
        ))}
      </ul>
    </AdminShell>
  );
}
