import { z } from "zod";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { ForbiddenError } from "@/lib/http/errors";
import { tenantRoute } from "@/lib/http/tenant-route";
import { readJson } from "@/lib/http/body";

const createInput = z.object({ name: z.string().trim().min(1, "Give the key a name").max(100) });

/** GET /api/v1/tenant/api-keys — the workspace's keys (prefixes only, never secrets). */
export const GET = tenantRoute(
  { permission: "api_keys:manage", feature: "api_access", apiKeys: false },
  async ({ tenant }) => ({
    data: await listApiKeys(tenant.id),
  }),
);

/** POST /api/v1/tenant/api-keys — creates a key; the response is the only time its secret is shown. */
export const POST = tenantRoute(
  { permission: "api_keys:manage", feature: "api_access", apiKeys: false },
  async ({ request, tenant, actor }) => {
    const { name } = createInput.parse(await readJson(request));
    // Session-only route (apiKeys: false): the actor is always a user.
    if (actor.type !== "user") throw new ForbiddenError("API keys cannot create API keys");
    return createApiKey({ tenantId: tenant.id, name, createdById: actor.userId });
  },
);
