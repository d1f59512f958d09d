import { tenantRoute } from "@/lib/http/tenant-route";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { voidInvoice } from "@/lib/accounting/invoices";

/** POST /api/v1/invoices/:id/void — draft | sent → void; any other status is a 409 naming "status". */
export const POST = tenantRoute<{ id: string }>(
  { permission: "records:update", feature: FEATURE_FOR_RESOURCE.invoices },
  async ({ params }) => Response.json(await voidInvoice(params.id)),
);
