import { tenantRoute } from "@/lib/http/tenant-route";
import { currentUsage } from "@/lib/usage/usage";

/** GET /api/v1/tenant/usage — this usage period (start, end, reset) and every metric's figure so far. */
export const GET = tenantRoute({ permission: "tenant:read" }, async ({ tenant }) => currentUsage(tenant.id));
