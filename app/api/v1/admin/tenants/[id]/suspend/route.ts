import { adminRoute } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/body";
import { suspendTenant } from "@/lib/platform/admin-tenants";

/** POST /api/v1/admin/tenants/:id/suspend — `{ reason }` is required; 200 with the tenant. */
export const POST = adminRoute<{ id: string }>(
  async ({ request, params, actor }) => suspendTenant(actor, params.id, await readJson(request)),
  { status: 200 },
);
