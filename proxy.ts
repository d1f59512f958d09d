import { getToken } from "next-auth/jwt";
import { NextResponse, type NextRequest } from "next/server";
import { verifyApiKey } from "@/lib/auth/api-keys";
import { authSecret } from "@/lib/auth/secret";
import { controlDb } from "@/lib/db/control";
import { credentialKey } from "@/lib/rate-limit/rate-limit";
import { yieldToOtherRequests } from "@/lib/rate-limit/request-gate";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { classifyHost, TENANT_SLUG_HEADER } from "@/lib/tenancy/hosts";
import { isIpAllowed } from "@/lib/tenancy/ip-allow-list";
import { isApiPath, resolveTenant, TENANT_ID_HEADER, type Resolution } from "@/lib/tenancy/resolver";
import {
  clientIpFrom,
  CREDENTIAL_KEY_HEADER,
  REQUESTED_PATH_HEADER,
  RESOLUTION_METHOD_HEADER,
  RESOLVED_TENANT_ID_HEADER,
} from "@/lib/tenancy/proxy-headers";

/**
 * Next 16's request proxy (the file formerly called middleware.ts): the host is the router.
 * 1. Every incoming x-tenant-* header is stripped (after reading X-Tenant-ID), so the
 *    headers the app trusts can only have been set here.
 * 2. The tenant is resolved (lib/tenancy/resolver.ts): custom domain → subdomain →
 *    X-Tenant-ID → the session's active-tenant claim; the last two only for /api/ on the
 *    root domain, with a credential of that tenant.
 * 3. Suspended → 403 page or problem; unknown → 404; IP allow-list enforced.
 * 4. Pages are rewritten to app/[tenant]/…; /api/ stays at app/api/ with the tenant in headers.
 */
export async function proxy(request: NextRequest): Promise<NextResponse | Response> {
  // A rate-limited workspace's probe lets the requests in progress go first (request gate).
  await yieldToOtherRequests();
  const tenantHeader = request.headers.get(TENANT_ID_HEADER);
  // Read before the x-tenant-* headers go: X-Tenant-ID is part of it.
  const credential = credentialKey(request.headers);
  const headers = new Headers(request.headers);
  for (const name of [...headers.keys()]) {
    if (name.startsWith("x-tenant-")) headers.delete(name);
  }
  const { pathname } = request.nextUrl;
  const api = isApiPath(pathname);
  const host = request.headers.get("host");

  // Root-domain pages are the platform's; only its API can address a tenant (header or claim).
  // (A header there is still resolved, so that it is refused loudly rather than ignored.)
  // Auth.js's own endpoints on the root domain always act for the platform.
  const onRoot = classifyHost(host).kind === "root";
  const platformOnly = !api || pathname.startsWith("/api/auth/") || !request.cookies.size;
  if (onRoot && !tenantHeader && platformOnly) return NextResponse.next({ request: { headers } });

  const resolution = await resolveTenant(
    {
      host,
      pathname,
      tenantHeader,
      credentialTenantIds: tenantHeader ? await credentialTenantIds(request) : [],
      jwt: onRoot ? await sessionClaims(request) : null,
    },
    { directory: tenantDirectory(), isMember },
  );
  return respond(request, resolution, headers, api, credential);
}

function respond(
  request: NextRequest,
  resolution: Resolution,
  headers: Headers,
  api: boolean,
  credential: string | null,
): NextResponse | Response {
  switch (resolution.kind) {
    case "platform":
      return NextResponse.next({ request: { headers } });
    case "not_found":
      if (api) return problem(404, "not-found", "No workspace at this address");
      return NextResponse.rewrite(new URL("/unknown-host", request.url), { request: { headers } });
    case "refused":
      return problem(403, "tenant-refused", resolution.reason);
    case "suspended":
      if (api) return problem(403, "tenant-suspended", "This workspace is suspended");
      return suspendedPage(resolution.tenant.name);
    case "tenant": {
      const { tenant } = resolution;
      if (tenant.ipAllowList.length && !isIpAllowed(clientIpFrom(request.headers), tenant.ipAllowList)) {
        if (api) return problem(403, "ip-not-allowed", "Your IP address is not on this workspace's allow-list");
        return htmlPage(403, "Access restricted", "Your network address is not on this workspace's allow-list.");
      }
      headers.set(TENANT_SLUG_HEADER, tenant.slug);
      headers.set(RESOLVED_TENANT_ID_HEADER, tenant.id);
      headers.set(RESOLUTION_METHOD_HEADER, resolution.method);
      if (api) {
        // The route's rate limit remembers a refusal under this key; server.mjs's request gate
        // then answers that credential's next calls before Next (docs/rate-limits.md).
        if (credential) headers.set(CREDENTIAL_KEY_HEADER, credential);
        return NextResponse.next({ request: { headers } });
      }
      // The path as the visitor typed it, for "sign in, then continue to …".
      headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
      const url = request.nextUrl.clone();
      url.pathname = `/${tenant.slug}${url.pathname === "/" ? "" : url.pathname}`;
      return NextResponse.rewrite(url, { request: { headers } });
    }
  }
}

/** Tenant ids the request's credential belongs to: the API key's tenant, or the session user's memberships. */
async function credentialTenantIds(request: NextRequest): Promise<string[]> {
  const authorization = request.headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    const key = await verifyApiKey(authorization.slice(7).trim());
    return key ? [key.tenantId] : [];
  }
  const claims = await sessionClaims(request);
  if (!claims) return [];
  const db = await controlDb();
  const memberships = await db.membership.findMany({ where: { userId: claims.userId }, select: { tenantId: true } });
  return memberships.map((m) => m.tenantId);
}

async function sessionClaims(request: NextRequest): Promise<{ userId: string; activeTenantId: string | null } | null> {
  if (!request.cookies.size) return null;
  const token = await getToken({
    req: request,
    secret: authSecret(),
    secureCookie: request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto") === "https",
  });
  // Only a platform session (issued on the root domain) speaks for the root domain.
  if (!token?.uid || token.scope !== "platform") return null;
  return {
    userId: String(token.uid),
    activeTenantId: typeof token.activeTenantId === "string" ? token.activeTenantId : null,
  };
}

async function isMember(userId: string, tenantId: string): Promise<boolean> {
  const db = await controlDb();
  return (await db.membership.count({ where: { userId, tenantId } })) > 0;
}

function problem(status: number, type: string, detail: string): Response {
  return new Response(
    JSON.stringify({
      type: `https://logiaccounting.dev/problems/${type}`,
      title: status === 404 ? "Not Found" : "Forbidden",
      status,
      detail,
    }),
    { status, headers: { "content-type": "application/problem+json" } },
  );
}

function suspendedPage(tenantName: string): Response {
  return htmlPage(
    403,
    `${tenantName} is suspended`,
    "This workspace has been suspended. Its owner can contact support to restore access; no data has been deleted.",
  );
}

function htmlPage(status: number, title: string, message: string): Response {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<style>body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:32rem;padding:2rem;text-align:center}h1{font-size:1.75rem}</style></head>
<body><main data-testid="status-page"><h1>${escape(title)}</h1><p>${escape(message)}</p></main></body></html>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|robots.txt).*)"],
};
