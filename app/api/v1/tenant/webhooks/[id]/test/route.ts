import { tenantRoute } from "@/lib/http/tenant-route";
import { sendTestEvent } from "@/lib/integrations/webhooks";

/** POST /api/v1/tenant/webhooks/:id/test — queues a `webhook.test` event for this endpoint (202). */
export const POST = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ tenant, params }) => Response.json(await sendTestEvent(tenant.id, params.id), { status: 202 }),
);
