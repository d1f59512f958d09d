import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { deleteCustomer, getCustomer, updateCustomer } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { CustomerUpdateInput } from "@/lib/accounting/schemas";

const feature = FEATURE_FOR_RESOURCE.customers;
type Params = { id: string };

/** GET /api/v1/customers/:id — another tenant's id (or a non-uuid) answers 404. */
export const GET = tenantRoute<Params>({ permission: "tenant:read", feature }, ({ params }) => getCustomer(params.id));

/** PATCH /api/v1/customers/:id — partial update. */
export const PATCH = tenantRoute<Params>({ permission: "records:update", feature }, async ({ request, params }) =>
  updateCustomer(params.id, (await readJson(request)) as CustomerUpdateInput),
);

/** DELETE /api/v1/customers/:id — 204. */
export const DELETE = tenantRoute<Params>({ permission: "records:delete", feature }, async ({ params }) => {
  await deleteCustomer(params.id);
  return new Response(null, { status: 204 });
});
