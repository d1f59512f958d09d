import { headers } from "next/headers";
import { TENANT_SLUG_HEADER } from "./hosts";

/**
 * The tenant slug the proxy resolved for this request, or null when the request did not
 * come through a tenant host (for example `/acme` typed on the root domain).
 */
export async function proxiedTenantSlug(): Promise<string | null> {
  return (await headers()).get(TENANT_SLUG_HEADER);
}
