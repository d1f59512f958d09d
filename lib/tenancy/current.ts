import { notFound } from "next/navigation";
import { cache } from "react";
import { proxiedTenantSlug } from "./request";
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
