import { tenantRoute } from "@/lib/http/tenant-route";

/** GET /api/v1/tenant — the workspace the caller is in, and who the caller is there. */
export const GET = tenantRoute({ permission: "tenant:read" }, async ({ tenant, actor }) => ({
  id: tenant.id,
  slug: tenant.slug,
  name: tenant.name,
  tier: tenant.tier,
  plan: tenant.planName,
  isolationLevel: tenant.isolationLevel,
  features: tenant.features,
  actor:
    actor.type === "user"
      ? { type: "user", id: actor.userId, role: actor.role }
      : { type: "api_key", id: actor.apiKeyId, role: actor.role },
}));
