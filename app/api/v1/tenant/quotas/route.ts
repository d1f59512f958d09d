import { tenantRoute } from "@/lib/http/tenant-route";
import { quotaStatus, upgradeUrl } from "@/lib/quotas/quotas";

/**
 * GET /api/v1/tenant/quotas — every quota of table 16.3 for this workspace: used, limit
 * (null = unlimited), percent and level (ok / warning from 80 % / exceeded). Storage in bytes.
 */
export const GET = tenantRoute({ permission: "tenant:read" }, async ({ tenant }) => ({
  data: await quotaStatus(tenant.id),
  upgradeUrl: upgradeUrl(),
}));
