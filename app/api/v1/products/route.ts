import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { createProduct, listProducts } from "@/lib/accounting/products";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { ProductCreateInput } from "@/lib/accounting/schemas";
import { queryObject } from "@/lib/accounting/pagination";

const feature = FEATURE_FOR_RESOURCE.products;

/** GET /api/v1/products — `{ data, nextCursor }`; ?limit, ?cursor, ?sort and filters. */
export const GET = tenantRoute({ permission: "tenant:read", feature }, ({ request }) =>
  listProducts(queryObject(request.nextUrl.searchParams)),
);

/** POST /api/v1/products — 201 with the created record. */
export const POST = tenantRoute({ permission: "records:create", feature }, async ({ request }) =>
  createProduct((await readJson(request)) as ProductCreateInput),
);
