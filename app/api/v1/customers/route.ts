import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { createCustomer, listCustomers } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { CustomerCreateInput } from "@/lib/accounting/schemas";
import { queryObject } from "@/lib/accounting/pagination";

const feature = FEATURE_FOR_RESOURCE.customers;

/** GET /api/v1/customers — `{ data, nextCursor }`; ?limit, ?cursor, ?sort and filters. */
export const GET = tenantRoute({ permission: "tenant:read", feature }, ({ request }) =>
  listCustomers(queryObject(request.nextUrl.searchParams)),
);

/** POST /api/v1/customers — 201 with the created record. */
export const POST = tenantRoute({ permission: "records:create", feature }, async ({ request }) =>
  createCustomer((await readJson(request)) as CustomerCreateInput),
);
