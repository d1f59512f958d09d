import { tenantRoute } from "@/lib/http/tenant-route";
import { tenantFeature } from "@/lib/platform/tenant-features";

/** GET /api/v1/tenant/features/:key — one feature; an unknown key is a 404. */
export const GET = tenantRoute<{ key: string }>({ permission: "tenant:read" }, async ({ tenant, params }) =>
  tenantFeature(tenant.id, params.key),
);
