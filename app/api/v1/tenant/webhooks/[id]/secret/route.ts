import { tenantRoute } from "@/lib/http/tenant-route";
import { rollWebhookSecret } from "@/lib/integrations/webhooks";

/** POST /api/v1/tenant/webhooks/:id/secret — a new signing secret, shown in this response only. */
export const POST = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ tenant, params }) => rollWebhookSecret(tenant.id, params.id),
);
