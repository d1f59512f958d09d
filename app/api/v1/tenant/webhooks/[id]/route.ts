import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/integrations/webhooks";

/** GET /api/v1/tenant/webhooks/:id */
export const GET = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ tenant, params }) => getWebhook(tenant.id, params.id),
);

/** PATCH /api/v1/tenant/webhooks/:id — any of `{ url, events, description, enabled }`. */
export const PATCH = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ request, tenant, params }) => updateWebhook(tenant.id, params.id, await readJson(request)),
);

/** DELETE /api/v1/tenant/webhooks/:id — removes the endpoint and its deliveries; frees its integration slot. */
export const DELETE = tenantRoute<{ id: string }>(
  { permission: "integrations:manage", apiKeys: false },
  async ({ tenant, params }) => {
    await deleteWebhook(tenant.id, params.id);
    return new Response(null, { status: 204 });
  },
);
