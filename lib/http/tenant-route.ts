import type { NextRequest } from "next/server";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { hostTenant } from "@/lib/auth/host-scope";
import { can, type Permission } from "@/lib/auth/permissions";
import { requireMember } from "@/lib/auth/session";
import { runInTenantContext, type Actor, type ContextTenant, type IsolationLevel } from "@/lib/tenancy/context";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import { requireFeature, type AccountingFeature } from "@/lib/accounting/features";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "./errors";
import { assertSameOrigin } from "./csrf";
import { problemResponse } from "./problem";
import { countApiCall } from "@/lib/usage/usage";
import { enforceRateLimit, withRateLimitHeaders, type ScopedDecision } from "@/lib/rate-limit/rate-limit";
import { CREDENTIAL_KEY_HEADER } from "@/lib/tenancy/proxy-headers";
import { yieldToOtherRequests } from "@/lib/rate-limit/request-gate";

/**
 * The one boundary wrapper for tenant API route handlers: it finds the tenant the proxy
 * resolved, authenticates the caller (API key or session), checks membership, permission
 * and plan feature, runs the handler inside the tenant context, and turns every thrown
 * domain error into problem+json. Handlers return data (sent as JSON) or a Response.
 */

export interface TenantRouteContext<Params> {
  request: NextRequest;
  params: Params;
  tenant: TenantSummary;
  actor: Exclude<Actor, { type: "system" }>;
}

export interface TenantRouteOptions {
  permission: Permission;
  /** A plan feature the route needs (e.g. "inventory"). */
  feature?: AccountingFeature;
  /** Whether API keys may call it (default true; key management itself is session-only). */
  apiKeys?: boolean;
}

/** API keys act as members: they read and write records but never manage the workspace. */
const API_KEY_ROLE = "member" as const;
const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function tenantRoute<Params = Record<string, never>>(
  options: TenantRouteOptions,
  handler: (context: TenantRouteContext<Params>) => Promise<unknown>,
) {
  return async (request: NextRequest, segment: { params: Promise<Params> }): Promise<Response> => {
    // Set once the request passed the rate limit: its X-RateLimit-* headers go on the answer.
    let rateLimit: ScopedDecision | null = null;
    try {
      // A refusal here is remembered under the key proxy.ts computed; the request gate answers the next calls.
      const credential = request.headers.get(CREDENTIAL_KEY_HEADER);
      // A rate-limited workspace's probe pauses at these checkpoints while other requests
      // are in progress (lib/rate-limit/request-gate.ts); for every other call they are no-ops.
      await yieldToOtherRequests();
      const tenant = await hostTenant();
      if (!tenant) throw new NotFoundError("Workspace");
      await yieldToOtherRequests();
      const actor = await authenticate(request, tenant, options);
      await yieldToOtherRequests();
      rateLimit = await enforceRateLimit({
        tenantId: tenant.id,
        tier: tenant.tier,
        apiKeyId: actor.type === "api_key" ? actor.apiKeyId : null,
        credential,
      });
      // The monthly API-call quota: counted per tenant, refused (429 quota-exceeded) past it.
      if (request.nextUrl.pathname.startsWith("/api/v1/")) await countApiCall(tenant.id);
      if (options.feature) requireFeature(tenant, options.feature);
      const params = await segment.params;
      await yieldToOtherRequests();
      const result = await runInTenantContext({ tenant: toContextTenant(tenant), actor }, () =>
        handler({ request, params, tenant, actor }),
      );
      if (result instanceof Response) return withRateLimitHeaders(result, rateLimit);
      return withRateLimitHeaders(
        Response.json(result ?? null, { status: request.method === "POST" ? 201 : 200 }),
        rateLimit,
      );
    } catch (error) {
      return withRateLimitHeaders(problemResponse(error), rateLimit);
    }
  };
}

async function authenticate(
  request: NextRequest,
  tenant: TenantSummary,
  options: TenantRouteOptions,
): Promise<TenantRouteContext<unknown>["actor"]> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const [scheme, key] = authorization.split(" ", 2);
    if (scheme?.toLowerCase() !== "bearer" || !key)
      throw new UnauthenticatedError("Use Authorization: Bearer <API key>");
    const verified = await verifyApiKey(key.trim());
    // Another tenant's key is simply not a valid key here.
    if (!verified || verified.tenantId !== tenant.id)
      throw new UnauthenticatedError("Invalid API key for this workspace");
    if (options.apiKeys === false) throw new ForbiddenError("API keys cannot call this endpoint");
    requireFeature(tenant, "api_access");
    if (!can(API_KEY_ROLE, options.permission)) throw new ForbiddenError();
    return { type: "api_key", apiKeyId: verified.id, role: API_KEY_ROLE };
  }
  if (UNSAFE_METHODS.has(request.method)) assertSameOrigin(request);
  const { user, role } = await requireMember(tenant, options.permission);
  return { type: "user", userId: user.id, role };
}

function toContextTenant(tenant: TenantSummary): ContextTenant {
  return {
    id: tenant.id,
    slug: tenant.slug,
    tier: tenant.tier,
    isolationLevel: tenant.isolationLevel as IsolationLevel,
    features: tenant.features,
  };
}
