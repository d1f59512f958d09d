import { queryObject } from "@/lib/accounting/pagination";
import { tenantRoute } from "@/lib/http/tenant-route";
import { parseUsageHistoryQuery } from "@/lib/usage/schemas";
import { usageHistory } from "@/lib/usage/usage";

/**
 * GET /api/v1/tenant/usage/history — per metric, the figures of the last `periods` usage
 * periods (1–12, default 12), oldest first. `?metric=api_calls,invoices` picks metrics
 * (default all); anything else is a 422 naming the field.
 */
export const GET = tenantRoute({ permission: "tenant:read" }, async ({ request, tenant }) => {
  const query = parseUsageHistoryQuery(queryObject(request.nextUrl.searchParams));
  return { data: await usageHistory(tenant.id, query.metrics, query.periods), periods: query.periods };
});
