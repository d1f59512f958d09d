import { hasFeature } from "@/lib/accounting/features";
import { CreateApiKeyForm } from "@/components/settings/create-api-key-form";
import { revokeApiKeyAction } from "@/lib/auth/api-key-actions";
import { listApiKeys } from "@/lib/auth/api-keys";
import { memberForPage } from "@/lib/auth/session";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const membership = await memberForPage(tenant);
  if (!membership) return null;
  const { role } = membership;
  const allowed = role === "owner" || role === "admin";
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <h1 className="text-2xl font-bold">API keys</h1>
      {!hasFeature(tenant, "api_access") ? (
        <p className="mt-4 text-slate-600" data-testid="feature-locked">
          API access comes with the Professional plan and above.
        </p>
      ) : !allowed ? (
        <p className="mt-4 text-slate-600">Only owners and admins manage API keys.</p>
      ) : (
        <div className="mt-6 space-y-6">
          <CreateApiKeyForm />
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">Name</th>
                <th>Prefix</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(await listApiKeys(tenant.id)).map((key) => (
                <tr key={key.id} className="border-t border-slate-200">
                  <td className="py-2">{key.name}</td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.createdAt.toISOString().slice(0, 10)}</td>
                  <td>{key.lastUsedAt ? key.lastUsedAt.toISOString().slice(0, 16).replace("T", " ") : "never"}</td>
                  <td className="text-right">
                    {key.revokedAt ? (
                      <span className="text-slate-400">revoked</span>
                    ) : (
                      <form action={revokeApiKeyAction}>
                        <input type="hidden" name="id" value={key.id} />
                        <button className="text-red-700 underline">Revoke</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
