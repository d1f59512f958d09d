import { readJson } from "@/lib/http/body";
import { tenantRoute } from "@/lib/http/tenant-route";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { adjustStock } from "@/lib/accounting/products";
import type { StockAdjustmentInput } from "@/lib/accounting/schemas";

/** POST /api/v1/products/:id/stock — `{ delta, reason }`; stock never goes below zero (422 naming "delta"). */
export const POST = tenantRoute<{ id: string }>(
  { permission: "records:update", feature: FEATURE_FOR_RESOURCE.products },
  async ({ request, params }) =>
    Response.json(await adjustStock(params.id, (await readJson(request)) as StockAdjustmentInput)),
);
