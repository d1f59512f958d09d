import { headers } from "next/headers";
import { TENANT_SLUG_HEADER } from "@/lib/tenancy/hosts";
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

export async function hostScope(): Promise<string> {
  return (await hostTenant())?.id ?? PLATFORM_SCOPE;
}

export async function clientIp(): Promise<string> {
  const h = await headers();
  return h.get("x-forwarded-for")?.split(",")[0]?.trim() || h.get("x-real-ip") || "unknown";
}
