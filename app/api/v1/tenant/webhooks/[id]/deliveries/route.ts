import { tenantRoute } from "@/lib/http/tenant-route";
import { listDeliveries } from "@/lib/integrations/webhooks";

/** GET /api/v1/tenant/webhooks/:id/deliveries — the endpoint's latest 20 deliveries and their outcome. */
export const GET = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ tenant, params }) => ({
    data: await listDeliveries(tenant.id, params.id),
  }),
);
