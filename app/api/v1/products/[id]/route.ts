import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { deleteProduct, getProduct, updateProduct } from "@/lib/accounting/products";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { ProductUpdateInput } from "@/lib/accounting/schemas";

const feature = FEATURE_FOR_RESOURCE.products;
type Params = { id: string };

/** GET /api/v1/products/:id — another tenant's id (or a non-uuid) answers 404. */
export const GET = tenantRoute<Params>({ permission: "tenant:read", feature }, ({ params }) => getProduct(params.id));

/** PATCH /api/v1/products/:id — partial update. */
export const PATCH = tenantRoute<Params>({ permission: "records:update", feature }, async ({ request, params }) =>
  updateProduct(params.id, (await readJson(request)) as ProductUpdateInput),
);

/** DELETE /api/v1/products/:id — 204. */
export const DELETE = tenantRoute<Params>({ permission: "records:delete", feature }, async ({ params }) => {
  await deleteProduct(params.id);
  return new Response(null, { status: 204 });
});
