import { tenantRoute } from "@/lib/http/tenant-route";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { queryObject } from "@/lib/accounting/pagination";
import { reportSummary } from "@/lib/accounting/reports";

/** GET /api/v1/reports/summary — outstanding, overdue, paid this month, last 12 months; ?currency (default the workspace's). */
export const GET = tenantRoute(
  { permission: "reports:read", feature: FEATURE_FOR_RESOURCE.reports },
  ({ request, tenant }) =>
    reportSummary(queryObject(request.nextUrl.searchParams), { currency: tenant.locale.currency }),
);
