import { notFound } from "next/navigation";
import { cache } from "react";
import { proxiedTenantSlug } from "./request";
import type { Role } from "@/lib/auth/permissions";
import type { IsolationLevel, TenantContext } from "./context";
import { findActiveTenantBySlug, type TenantSummary } from "./tenants";

/**
 * The tenant of the current request, for server components under app/[tenant]/.
 * The route parameter alone is not trusted: it must equal the slug proxy.ts resolved
 * from the host, so `/acme` typed on the root domain (or on globex's host) is a 404.
 * Cached per request, so layout and page share one lookup.
 */
export const requireTenantForRoute = cache(async (routeSlug: string): Promise<TenantSummary> => {
  const proxied = await proxiedTenantSlug();
  if (!proxied || proxied !== routeSlug) notFound();
  const tenant = await findActiveTenantBySlug(proxied);
  if (!tenant) notFound();
  return tenant;
});

/** The tenant context for a request of `member` in `tenant` (pages and server actions). */
export function contextFor(tenant: TenantSummary, member: { user: { id: string }; role: Role }): TenantContext {
  return {
    tenant: {
      id: tenant.id,
      slug: tenant.slug,
      tier: tenant.tier,
      isolationLevel: tenant.isolationLevel as IsolationLevel,
      features: tenant.features,
    },
    actor: { type: "user", userId: member.user.id, role: member.role },
  };
}
