import type { NextRequest } from "next/server";
import { FEATURE_FOR_RESOURCE, requireFeature } from "@/lib/accounting/features";
import { queryObject } from "@/lib/accounting/pagination";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { hostTenant } from "@/lib/auth/host-scope";
import { can } from "@/lib/auth/permissions";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@/lib/http/errors";
import { problemResponse } from "@/lib/http/problem";
import { benchRoutesEnabled, listInvoicesUnscopedBaseline } from "@/lib/tenancy/bench-baseline";

/**
 * GET /api/bench/invoices — BENCHMARK BASELINE, 404 unless BENCH_ROUTES=1.
 * The same work as GET /api/v1/invoices (tenant from the proxy's header, API key
 * verification, api_access and plan feature checks, the same query and JSON), but the query
 * goes through the unscoped client with a hand-written `where: { tenantId }` — no tenant
 * context, transaction, extension or RLS — so bench/http-list.ts can isolate what scoping
 * costs. API keys only (the bench uses no sessions).
 */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    if (!benchRoutesEnabled()) throw new NotFoundError("Route");
    const tenant = await hostTenant();
    if (!tenant) throw new NotFoundError("Workspace");
    const authorization = request.headers.get("authorization");
    const [scheme, key] = (authorization ?? "").split(" ", 2);
    if (scheme?.toLowerCase() !== "bearer" || !key)
      throw new UnauthenticatedError("Use Authorization: Bearer <API key>");
    const verified = await verifyApiKey(key.trim());
    if (!verified || verified.tenantId !== tenant.id)
      throw new UnauthenticatedError("Invalid API key for this workspace");
    requireFeature(tenant, "api_access");
    if (!can("member", "tenant:read")) throw new ForbiddenError();
    requireFeature(tenant, FEATURE_FOR_RESOURCE.invoices);
    const result = await listInvoicesUnscopedBaseline(tenant.id, queryObject(request.nextUrl.searchParams));
    return Response.json(result, { status: 200 });
  } catch (error) {
    return problemResponse(error);
  }
}
