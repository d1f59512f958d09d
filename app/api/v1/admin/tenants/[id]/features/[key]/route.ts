import { adminRoute } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/body";
import { removeFeatureOverride, setFeatureOverride } from "@/lib/platform/admin-features";

/** PUT /api/v1/admin/tenants/:id/features/:key — `{ isEnabled, enabledAt?, expiresAt?, config? }`. */
export const PUT = adminRoute<{ id: string; key: string }>(
  async ({ request, params, actor }) => setFeatureOverride(actor, params.id, params.key, await readJson(request)),
  { status: 200 },
);

/** DELETE /api/v1/admin/tenants/:id/features/:key — back to the plan's value. */
export const DELETE = adminRoute<{ id: string; key: string }>(async ({ params, actor }) => {
  await removeFeatureOverride(actor, params.id, params.key);
  return new Response(null, { status: 204 });
});
