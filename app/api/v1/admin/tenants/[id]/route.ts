import { adminRoute } from "@/lib/http/admin-route";
import { readJson } from "@/lib/http/body";
import { getTenant, softDeleteTenant, updateTenant } from "@/lib/platform/admin-tenants";

type Params = { id: string };

/** GET /api/v1/admin/tenants/:id — the tenant with owner, domains and quota limits. */
export const GET = adminRoute<Params>(async ({ params }) => getTenant(params.id));

/** PUT /api/v1/admin/tenants/:id — partial update of profile fields, tier and isolation level. */
export const PUT = adminRoute<Params>(async ({ request, params, actor }) =>
  updateTenant(actor, params.id, await readJson(request)),
);

/** DELETE /api/v1/admin/tenants/:id — soft delete (status deleted, deleted_at set). */
export const DELETE = adminRoute<Params>(async ({ params, actor }) => softDeleteTenant(actor, params.id));
