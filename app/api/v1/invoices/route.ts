import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { createInvoice, listInvoices } from "@/lib/accounting/invoices";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { InvoiceCreateInput } from "@/lib/accounting/schemas";
import { queryObject } from "@/lib/accounting/pagination";

const feature = FEATURE_FOR_RESOURCE.invoices;

/** GET /api/v1/invoices — `{ data, nextCursor }`; ?limit, ?cursor, ?sort and filters. */
export const GET = tenantRoute({ permission: "tenant:read", feature }, ({ request }) =>
  listInvoices(queryObject(request.nextUrl.searchParams)),
);

/** POST /api/v1/invoices — 201 with the created draft; totals are computed here, never taken from the client. */
export const POST = tenantRoute({ permission: "records:create", feature }, async ({ request, tenant }) =>
  createInvoice((await readJson(request)) as InvoiceCreateInput, { currency: tenant.locale.currency }),
);
