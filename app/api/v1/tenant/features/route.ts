import { tenantRoute } from "@/lib/http/tenant-route";
import { tenantFeatures } from "@/lib/platform/tenant-features";

/** GET /api/v1/tenant/features — every feature of this workspace now, and which plan adds it. */
export const GET = tenantRoute({ permission: "tenant:read" }, async ({ tenant }) => ({
  data: await tenantFeatures(tenant.id),
}));
