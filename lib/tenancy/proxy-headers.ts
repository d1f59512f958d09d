/**
 * Request headers proxy.ts sets after stripping every incoming x-tenant-* header; the app
 * may trust them because no client can get one past the proxy.
 */
export const RESOLVED_TENANT_ID_HEADER = "x-tenant-resolved-id";
/** The tenant page's path and query as requested, before the rewrite to app/[tenant]/. */
export const REQUESTED_PATH_HEADER = "x-tenant-requested-path";
/** How the tenant was found: custom_domain | subdomain | header | jwt. */
export const RESOLUTION_METHOD_HEADER = "x-tenant-resolution";
/** credentialKey() of the request as it arrived (before X-Tenant-ID was stripped), for the rate limit's refusal memory. */
export const CREDENTIAL_KEY_HEADER = "x-tenant-credential-key";

/**
 * The client address for the IP allow-list. Next fills X-Forwarded-For from the socket
 * only when it is absent, so behind a reverse proxy the right-most entry (the address the
 * proxy saw) is the trustworthy one. TRUSTED_PROXY_HOPS counts the proxies in front
 * (default 1). Without a reverse proxy that overwrites X-Forwarded-For, a client can
 * choose this value: docs/operations.md says so.
 */
export function clientIpFrom(headers: Headers, env: NodeJS.ProcessEnv = process.env): string | null {
  const hops = Math.max(1, Number(env.TRUSTED_PROXY_HOPS ?? 1) || 1);
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return chain.at(-hops) ?? chain[0] ?? headers.get("x-real-ip");
}
