import { tenantRoute } from "@/lib/http/tenant-route";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { sendInvoice } from "@/lib/accounting/invoices";

/** POST /api/v1/invoices/:id/send — draft → sent; any other status is a 409 naming "status". */
export const POST = tenantRoute<{ id: string }>(
  { permission: "records:update", feature: FEATURE_FOR_RESOURCE.invoices },
  async ({ params }) => Response.json(await sendInvoice(params.id)),
);
