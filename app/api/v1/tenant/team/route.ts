import { tenantRoute } from "@/lib/http/tenant-route";
import { listMembers } from "@/lib/team/members";

/** GET /api/v1/tenant/team — the workspace's members with role, join date and last sign-in. */
export const GET = tenantRoute({ permission: "team:read" }, async ({ tenant }) => ({
  data: await listMembers(tenant.id),
}));
