import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { deleteInvoice, getInvoice, updateInvoice } from "@/lib/accounting/invoices";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import type { InvoiceUpdateInput } from "@/lib/accounting/schemas";

const feature = FEATURE_FOR_RESOURCE.invoices;
type Params = { id: string };

/** GET /api/v1/invoices/:id — another tenant's id (or a non-uuid) answers 404. */
export const GET = tenantRoute<Params>({ permission: "tenant:read", feature }, ({ params }) => getInvoice(params.id));

/** PATCH /api/v1/invoices/:id — partial update. */
export const PATCH = tenantRoute<Params>({ permission: "records:update", feature }, async ({ request, params }) =>
  updateInvoice(params.id, (await readJson(request)) as InvoiceUpdateInput),
);

/** DELETE /api/v1/invoices/:id — 204. */
export const DELETE = tenantRoute<Params>({ permission: "records:delete", feature }, async ({ params }) => {
  await deleteInvoice(params.id);
  return new Response(null, { status: 204 });
});
