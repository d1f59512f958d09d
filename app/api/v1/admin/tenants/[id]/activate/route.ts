import { adminRoute } from "@/lib/http/admin-route";
import { activateTenant } from "@/lib/platform/admin-tenants";

/** POST /api/v1/admin/tenants/:id/activate — 200 with the tenant. */
export const POST = adminRoute<{ id: string }>(async ({ params, actor }) => activateTenant(actor, params.id), {
  status: 200,
});
