import { isUuid, type LookupKind, type TenantLookup, type TenantRecord } from "./directory";
import { classifyHost } from "./hosts";

/**
 * Tenant resolution: which tenant (if any) a request addresses, in the seed's priority
 * (phase 16, table 16.1):
 *
 *   1. a verified, active custom domain   (app.acme.com)
 *   2. a sub-domain of the root domain    (acme.<ROOT_DOMAIN>)
 *   3. the X-Tenant-ID header             (API calls on the root domain, with a credential of that tenant)
 *   4. the session JWT's active tenant    (root domain, members only)
 *
 * A tenant host always wins: the header may only repeat it (naming another tenant is
 * refused) and the JWT claim is not consulted there. The header is never silently
 * ignored — when it cannot be honoured the answer is a 403, so a client that meant tenant
 * A never gets the platform or tenant B instead. No Next.js imports: the proxy, route
 * handlers, tests and the bench all call this directly.
 */

/** The incoming request header; proxy.ts must read it before stripping x-tenant-* headers. */
export const TENANT_ID_HEADER = "x-tenant-id";

export interface ResolutionRequest {
  /** The Host header (or x-forwarded-host, when the deployment trusts its proxy). */
  host: string | null;
  pathname: string;
  /** X-Tenant-ID as received: a tenant id or slug. */
  tenantHeader?: string | null;
  /**
   * Ids of the tenants the request's API key or session was verified to belong to. The
   * caller verifies; the resolver only checks that the header's tenant is among them.
   */
  credentialTenantIds?: readonly string[];
  /** Claims of the verified session JWT, when there is a session. */
  jwt?: { userId: string; activeTenantId: string | null } | null;
}

export interface ResolverDependencies {
  directory: TenantLookup;
  /** Whether the user holds a membership of the tenant (checked only for the JWT claim). */
  isMember(userId: string, tenantId: string): boolean | Promise<boolean>;
  /** Defaults to ROOT_DOMAIN, then localhost:3000. */
  rootDomain?: string;
}

export type ResolutionMethod = "custom_domain" | "subdomain" | "header" | "jwt";

export type NotFoundReason =
  "invalid_host" | "reserved_subdomain" | "unknown_host" | "unknown_tenant" | "tenant_unavailable";

export type Resolution =
  | { kind: "tenant"; tenant: TenantRecord; method: ResolutionMethod }
  | { kind: "suspended"; tenant: TenantRecord; method: ResolutionMethod }
  /** The root domain with no tenant selected: the platform's own pages and API. */
  | { kind: "platform" }
  /** `reason` is for logs only; every not_found must look the same to the client. */
  | { kind: "not_found"; reason: NotFoundReason }
  | { kind: "refused"; status: 403; reason: string };

/** Shared answers, frozen because every request receives the same object. */
const NOT_FOUND = Object.freeze({
  invalid_host: Object.freeze({ kind: "not_found", reason: "invalid_host" }),
  reserved_subdomain: Object.freeze({ kind: "not_found", reason: "reserved_subdomain" }),
  unknown_host: Object.freeze({ kind: "not_found", reason: "unknown_host" }),
  unknown_tenant: Object.freeze({ kind: "not_found", reason: "unknown_tenant" }),
  tenant_unavailable: Object.freeze({ kind: "not_found", reason: "tenant_unavailable" }),
} as const satisfies Record<NotFoundReason, Resolution>);

const PLATFORM: Resolution = Object.freeze({ kind: "platform" });

function refused(reason: string): Resolution {
  return { kind: "refused", status: 403, reason };
}

export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

/** pending, cancelled and deleted tenants are not served at all: they read as unknown. */
function isServable(tenant: TenantRecord): boolean {
  return !tenant.deletedAt && (tenant.status === "active" || tenant.status === "suspended");
}

/** The outcome for a tenant found by `method`, by its status. */
function byStatus(tenant: TenantRecord, method: ResolutionMethod): Resolution {
  if (!isServable(tenant)) return NOT_FOUND.tenant_unavailable;
  if (tenant.status === "suspended") return { kind: "suspended", tenant, method };
  return { kind: "tenant", tenant, method };
}

function namesTenant(header: string, tenant: TenantRecord): boolean {
  return header === tenant.id.toLowerCase() || header === tenant.slug;
}

/**
 * A tenant from the directory: straight from the in-process cache when it is there (no
 * promise, no microtask), a promise only on a miss. The resolver awaits only promises, so
 * a warm request costs just the one promise `resolveTenant` returns.
 */
function find(directory: TenantLookup, kind: LookupKind, value: string): MaybePromise<TenantRecord | null> {
  const cached = directory.peek?.(kind, value);
  if (cached !== undefined) return cached;
  switch (kind) {
    case "id":
      return directory.byId(value);
    case "slug":
      return directory.bySlug(value);
    case "domain":
      return directory.byDomain(value);
  }
}

type MaybePromise<T> = T | Promise<T>;

/** Resolves which tenant a request addresses; see the module comment for the rules. */
export async function resolveTenant(request: ResolutionRequest, deps: ResolverDependencies): Promise<Resolution> {
  // Ids and slugs are lower case in the database; a header differing only in case names the same tenant.
  const header = request.tenantHeader?.trim().toLowerCase() || null;
  const match = classifyHost(request.host, deps.rootDomain);

  switch (match.kind) {
    case "invalid":
      return NOT_FOUND.invalid_host;
    case "reserved":
      return NOT_FOUND.reserved_subdomain;
    case "root":
      return header ? resolveByHeader(request, header, deps) : resolveByJwt(request, deps);
    case "subdomain":
    case "other": {
      let found = find(deps.directory, "domain", match.hostname);
      let tenant = found instanceof Promise ? await found : found;
      let method: ResolutionMethod = "custom_domain";
      if (!tenant && match.kind === "subdomain") {
        found = find(deps.directory, "slug", match.slug);
        tenant = found instanceof Promise ? await found : found;
        method = "subdomain";
      }
      if (!tenant || !isServable(tenant)) return tenant ? NOT_FOUND.tenant_unavailable : NOT_FOUND.unknown_host;
      if (header && !namesTenant(header, tenant)) {
        return refused("X-Tenant-ID names a different tenant than the host");
      }
      return byStatus(tenant, method);
    }
  }
}

async function resolveByHeader(
  request: ResolutionRequest,
  header: string,
  deps: ResolverDependencies,
): Promise<Resolution> {
  if (!isApiPath(request.pathname)) return refused("X-Tenant-ID is accepted only on /api/ paths");
  const credentials = new Set((request.credentialTenantIds ?? []).map((id) => id.toLowerCase()));
  const noCredential = refused("X-Tenant-ID requires a credential of that tenant");
  // Checked before any lookup, so a caller without credentials cannot probe which tenants exist.
  if (credentials.size === 0) return noCredential;

  if (isUuid(header)) {
    if (!credentials.has(header)) return noCredential;
    const tenant = await find(deps.directory, "id", header);
    return tenant ? byStatus(tenant, "header") : NOT_FOUND.unknown_tenant;
  }
  // A slug: an unknown slug and another tenant's slug give the same answer, for the same reason.
  const tenant = await find(deps.directory, "slug", header);
  if (!tenant || !credentials.has(tenant.id.toLowerCase())) return noCredential;
  return byStatus(tenant, "header");
}

async function resolveByJwt(request: ResolutionRequest, deps: ResolverDependencies): Promise<Resolution> {
  const claim = request.jwt?.activeTenantId?.trim().toLowerCase();
  if (request.jwt && claim && isUuid(claim)) {
    const tenant = await find(deps.directory, "id", claim);
    // A stale claim (tenant gone, membership revoked) is ignored, not an error: the user
    // still gets the platform and can pick another tenant.
    if (tenant && isServable(tenant) && (await deps.isMember(request.jwt.userId, tenant.id))) {
      return byStatus(tenant, "jwt");
    }
  }
  return PLATFORM;
}
