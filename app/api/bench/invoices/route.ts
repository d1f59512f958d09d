import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import { queryObject } from "@/lib/accounting/pagination";
import { NotFoundError } from "@/lib/http/errors";
import { tenantRoute } from "@/lib/http/tenant-route";
import { benchRoutesEnabled, listInvoicesUnscopedBaseline } from "@/lib/tenancy/bench-baseline";

/**
 * GET /api/bench/invoices — BENCHMARK BASELINE, 404 unless BENCH_ROUTES=1.
 * The same route as GET /api/v1/invoices — the same boundary wrapper (tenant from the
 * proxy's header, authentication, rate limit, usage, permission and feature checks, tenant
 * context, problem mapping) and the same query and JSON — except that the query goes through
 * the unscoped client with a hand-written `where: { tenantId }`: no extension, no tenant
 * setting, no RLS. So bench/http-list.ts measures what scoping costs and nothing else.
 */
export const GET = tenantRoute(
  { permission: "tenant:read", feature: FEATURE_FOR_RESOURCE.invoices },
  async ({ request, tenant }) => {
    if (!benchRoutesEnabled()) throw new NotFoundError("Route");
    return listInvoicesUnscopedBaseline(tenant.id, queryObject(request.nextUrl.searchParams));
  },
);
