import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { createWebhook, listWebhooks } from "@/lib/integrations/webhooks";

/** GET /api/v1/tenant/webhooks — the workspace's integrations (outbound webhook endpoints), never their secrets. */
export const GET = tenantRoute({ permission: "integrations:manage", apiKeys: false }, async ({ tenant }) => ({
  data: await listWebhooks(tenant.id),
}));

/**
 * POST /api/v1/tenant/webhooks — `{ url, events, description? }`; counts against the
 * integrations quota. The response is the only time the signing secret is shown.
 */
export const POST = tenantRoute(
  { permission: "integrations:manage", apiKeys: false },
  async ({ request, tenant, actor }) =>
    createWebhook(tenant.id, await readJson(request), actor.type === "user" ? actor.userId : null),
);
