import { revokeApiKey } from "@/lib/auth/api-keys";
import { NotFoundError } from "@/lib/http/errors";
import { tenantRoute } from "@/lib/http/tenant-route";

/** DELETE /api/v1/tenant/api-keys/:id — revokes a key of this workspace. */
export const DELETE = tenantRoute<{ id: string }>(
  { permission: "api_keys:manage", feature: "api_access", apiKeys: false },
  async ({ tenant, params }) => {
    const uuid = /^[0-9a-f-]{36}$/i.test(params.id) ? params.id : null;
    if (!uuid || !(await revokeApiKey(tenant.id, uuid))) throw new NotFoundError("API key");
    return new Response(null, { status: 204 });
  },
);
