import { CreateWebhookForm, WebhookCommands } from "@/components/settings/webhook-forms";
import { can } from "@/lib/auth/permissions";
import { memberForPage } from "@/lib/auth/session";
import { WEBHOOK_EVENTS } from "@/lib/integrations/events";
import { listDeliveries, listWebhooks } from "@/lib/integrations/webhooks";
import { quotaStatus } from "@/lib/quotas/quotas";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Integrations" };

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "—");

const STATUS_STYLE: Record<string, string> = {
  delivered: "text-green-700",
  pending: "text-amber-700",
  failed: "text-red-700",
};

/** Settings → Integrations: the workspace's webhook endpoints and their latest deliveries. */
export default async function IntegrationsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const membership = await memberForPage(tenant);
  if (!membership) return null;
  if (!can(membership.role, "integrations:manage"))
    return (
      <main className="mx-auto max-w-4xl px-6 py-10">
        <h1 className="text-2xl font-bold">Integrations</h1>
        <p className="mt-4 text-slate-600">Only owners and admins manage integrations.</p>
      </main>
    );
  const webhooks = await listWebhooks(tenant.id);
  const quota = (await quotaStatus(tenant.id)).find((q) => q.key === "integrations")!;
  const deliveries = await Promise.all(webhooks.map((webhook) => listDeliveries(tenant.id, webhook.id, 5)));
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <h1 className="text-2xl font-bold">Integrations</h1>
      <p className="mt-2 text-sm text-slate-600">
        Endpoints that receive this workspace&apos;s events — invoices, customers, products and projects as they change
        — as signed HTTPS POSTs.{" "}
        <span data-testid="integrations-quota">
          {quota.limit === null
            ? `${quota.used} in use (unlimited on your plan).`
            : `${quota.used} of ${quota.limit} integrations in use.`}
        </span>
      </p>
      <div className="mt-6 space-y-6">
        <CreateWebhookForm events={WEBHOOK_EVENTS} />
        {webhooks.length === 0 && <p className="text-sm text-slate-600">No endpoints yet.</p>}
        {webhooks.map((webhook, index) => (
          <section
            key={webhook.id}
            className="rounded-xl border border-slate-200 bg-white p-5"
            data-testid="webhook"
            data-url={webhook.url}
          >
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h2 className="font-mono text-sm break-all">{webhook.url}</h2>
              <span className={webhook.enabled ? "text-sm text-green-700" : "text-sm text-slate-500"}>
                {webhook.enabled ? "active" : "paused"}
              </span>
            </div>
            {webhook.description && <p className="mt-1 text-sm text-slate-600">{webhook.description}</p>}
            <p className="mt-2 text-xs text-slate-500">{webhook.events.join(", ")}</p>
            <div className="mt-3">
              <WebhookCommands id={webhook.id} enabled={webhook.enabled} />
            </div>
            <table className="mt-4 w-full text-left text-xs" data-testid="deliveries">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-1">Event</th>
                  <th>Status</th>
                  <th>Attempts</th>
                  <th>Answer</th>
                  <th>Queued (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {deliveries[index].map((delivery) => (
                  <tr key={delivery.id} className="border-t border-slate-100">
                    <td className="py-1 font-mono">{delivery.eventType}</td>
                    <td className={STATUS_STYLE[delivery.status]}>
                      {delivery.status}
                      {delivery.status === "pending" &&
                        delivery.attempts > 0 &&
                        ` (next ${when(delivery.nextAttemptAt)})`}
                    </td>
                    <td>{delivery.attempts}</td>
                    <td>{delivery.lastStatus ?? delivery.lastError ?? "—"}</td>
                    <td>{when(delivery.createdAt)}</td>
                  </tr>
                ))}
                {deliveries[index].length === 0 && (
                  <tr>
                    <td colSpan={5} className="py-1 text-slate-500">
                      Nothing sent yet.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </main>
  );
}
