import { headers } from "next/headers";
import { TENANT_SLUG_HEADER } from "@/lib/tenancy/hosts";
import { clientIpFrom, RESOLUTION_METHOD_HEADER } from "@/lib/tenancy/proxy-headers";
import { findActiveTenantBySlug, type TenantSummary } from "@/lib/tenancy/tenants";

/**
 * Which tenant the current host serves, as resolved by proxy.ts (the header cannot be
 * forged: the proxy strips incoming x-tenant-* headers). null on the platform's root domain.
 * A session is bound to this scope when issued and is refused on any other.
 */
export async function hostTenant(): Promise<TenantSummary | null> {
  const slug = (await headers()).get(TENANT_SLUG_HEADER);
  return slug ? findActiveTenantBySlug(slug) : null;
}

export const PLATFORM_SCOPE = "platform";

/**
 * Whether the proxy found the tenant through the root domain's API (X-Tenant-ID or the
 * session's active-tenant claim): there the caller's platform session speaks for them.
 */
export async function resolvedOnRootDomain(): Promise<boolean> {
  const method = (await headers()).get(RESOLUTION_METHOD_HEADER);
  return method === "header" || method === "jwt";
}

export async function hostScope(): Promise<string> {
  return (await hostTenant())?.id ?? PLATFORM_SCOPE;
}

/** The client address for per-IP throttles: the same trusted entry the IP allow-list uses. */
export async function clientIp(): Promise<string> {
  return clientIpFrom(await headers()) ?? "unknown";
}
