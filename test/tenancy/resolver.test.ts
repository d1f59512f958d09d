import { beforeEach, describe, expect, it, vi } from "vitest";
import { TenantDirectory } from "@/lib/tenancy/directory";
import { resolveTenant, type ResolutionRequest, type ResolverDependencies } from "@/lib/tenancy/resolver";
import { countingLoader, tenantRecord, type CountingLoader } from "./fixtures";

const ROOT = "logiaccounting.test:3000";

const acme = tenantRecord({ slug: "acme", name: "Acme", domains: ["app.acme.com"] });
const globex = tenantRecord({ slug: "globex", name: "Globex" });
/** Holds a verified custom domain that is also globex's sub-domain name: priority 1 must win. */
const initech = tenantRecord({ slug: "initech", name: "Initech", domains: ["globex.logiaccounting.test"] });
const suspended = tenantRecord({ slug: "paused", status: "suspended", domains: ["paused.example"] });
const pending = tenantRecord({ slug: "pending", status: "pending", domains: ["pending.example"] });
const cancelled = tenantRecord({ slug: "cancelled", status: "cancelled", domains: ["cancelled.example"] });
const deleted = tenantRecord({ slug: "deleted", status: "deleted", domains: ["deleted.example"] });
/** Status still says active, but deleted_at is set: gone. */
const softDeleted = tenantRecord({ slug: "soft", deletedAt: "2026-01-01T00:00:00.000Z", domains: ["soft.example"] });
const ALL = [acme, globex, initech, suspended, pending, cancelled, deleted, softDeleted];

const USER = "u-1";
let loader: CountingLoader;
let deps: ResolverDependencies;
let memberships: Set<string>;

beforeEach(() => {
  loader = countingLoader(ALL);
  memberships = new Set([
    `${USER}:${acme.id}`,
    `${USER}:${globex.id}`,
    `${USER}:${suspended.id}`,
    `${USER}:${deleted.id}`,
  ]);
  deps = {
    directory: new TenantDirectory({ loader }),
    isMember: vi.fn((userId: string, tenantId: string) => memberships.has(`${userId}:${tenantId}`)),
    rootDomain: ROOT,
  };
});

function resolve(request: Partial<ResolutionRequest> & { host: string | null }) {
  return resolveTenant({ pathname: "/", ...request }, deps);
}

describe("priority (seed table 16.1)", () => {
  it("1. a verified custom domain resolves its tenant", async () => {
    expect(await resolve({ host: "app.acme.com" })).toEqual({ kind: "tenant", tenant: acme, method: "custom_domain" });
    expect(await resolve({ host: "APP.Acme.com.:443" })).toMatchObject({
      tenant: { id: acme.id },
      method: "custom_domain",
    });
  });

  it("custom domain wins over sub-domain", async () => {
    const result = await resolve({ host: "globex.logiaccounting.test:3000" });
    expect(result).toMatchObject({ kind: "tenant", tenant: { id: initech.id }, method: "custom_domain" });
  });

  it("2. a sub-domain of the root domain resolves by slug", async () => {
    expect(await resolve({ host: "acme.logiaccounting.test:3000" })).toEqual({
      kind: "tenant",
      tenant: acme,
      method: "subdomain",
    });
  });

  it("sub-domain wins over header: a header repeating the host's tenant changes nothing", async () => {
    for (const header of ["acme", "ACME", acme.id, acme.id.toUpperCase()]) {
      const result = await resolve({
        host: "acme.logiaccounting.test",
        pathname: "/api/v1/invoices",
        tenantHeader: header,
      });
      expect(result).toMatchObject({ kind: "tenant", tenant: { id: acme.id }, method: "subdomain" });
    }
  });

  it("3. the header selects a tenant on the root domain's API with a credential of that tenant", async () => {
    for (const header of ["globex", globex.id]) {
      const result = await resolve({
        host: "logiaccounting.test",
        pathname: "/api/v1/invoices",
        tenantHeader: header,
        credentialTenantIds: [globex.id],
      });
      expect(result).toEqual({ kind: "tenant", tenant: globex, method: "header" });
    }
  });

  it("header wins over JWT", async () => {
    const result = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/v1/invoices",
      tenantHeader: "globex",
      credentialTenantIds: [globex.id],
      jwt: { userId: USER, activeTenantId: acme.id },
    });
    expect(result).toMatchObject({ kind: "tenant", tenant: { id: globex.id }, method: "header" });
  });

  it("4. the JWT's active tenant applies on the root domain for a member", async () => {
    const result = await resolve({ host: "logiaccounting.test", jwt: { userId: USER, activeTenantId: acme.id } });
    expect(result).toEqual({ kind: "tenant", tenant: acme, method: "jwt" });
    expect(deps.isMember).toHaveBeenCalledWith(USER, acme.id);
  });

  it("the root domain with neither header nor claim is the platform", async () => {
    expect(await resolve({ host: "logiaccounting.test:3000" })).toEqual({ kind: "platform" });
    expect(await resolve({ host: "127.0.0.1:3000" })).toEqual({ kind: "platform" });
    expect(await resolve({ host: "logiaccounting.test", jwt: { userId: USER, activeTenantId: null } })).toEqual({
      kind: "platform",
    });
  });
});

describe("header refusals", () => {
  it("refuses the header outside /api/ paths, even with a credential", async () => {
    for (const pathname of ["/", "/dashboard", "/apiary", "/v1/api/x"]) {
      const result = await resolve({
        host: "logiaccounting.test",
        pathname,
        tenantHeader: "globex",
        credentialTenantIds: [globex.id],
      });
      expect(result, pathname).toEqual({ kind: "refused", status: 403, reason: expect.stringContaining("/api/") });
    }
  });

  it("accepts /api itself as an API path", async () => {
    const result = await resolve({
      host: "logiaccounting.test",
      pathname: "/api",
      tenantHeader: "globex",
      credentialTenantIds: [globex.id],
    });
    expect(result).toMatchObject({ kind: "tenant", method: "header" });
  });

  it("refuses the header without a credential, without touching the database", async () => {
    const before = loader.total();
    for (const header of ["globex", globex.id, "no-such-tenant"]) {
      const result = await resolve({ host: "logiaccounting.test", pathname: "/api/v1/x", tenantHeader: header });
      expect(result).toEqual({ kind: "refused", status: 403, reason: expect.stringContaining("credential") });
    }
    expect(loader.total()).toBe(before);
  });

  it("refuses the header with a credential of another tenant, by id or slug", async () => {
    for (const header of ["globex", globex.id]) {
      const result = await resolve({
        host: "logiaccounting.test",
        pathname: "/api/v1/x",
        tenantHeader: header,
        credentialTenantIds: [acme.id],
      });
      expect(result).toMatchObject({ kind: "refused", status: 403 });
    }
  });

  it("answers an unknown slug like another tenant's (no probing which slugs exist)", async () => {
    const unknown = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: "nobody",
      credentialTenantIds: [acme.id],
    });
    const other = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: "globex",
      credentialTenantIds: [acme.id],
    });
    expect(unknown).toEqual(other);
    const malformed = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: "not a slug!",
      credentialTenantIds: [acme.id],
    });
    expect(malformed).toEqual(other);
  });

  it("does not fall back to the JWT or the platform when the header is refused", async () => {
    const result = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/v1/x",
      tenantHeader: "globex",
      jwt: { userId: USER, activeTenantId: acme.id },
    });
    expect(result).toMatchObject({ kind: "refused", status: 403 });
  });

  it("refuses a header naming a different tenant on a tenant host, even with that tenant's credential", async () => {
    for (const host of ["acme.logiaccounting.test", "app.acme.com"]) {
      for (const pathname of ["/", "/api/v1/invoices"]) {
        const result = await resolve({
          host,
          pathname,
          tenantHeader: "globex",
          credentialTenantIds: [globex.id, acme.id],
        });
        expect(result, `${host}${pathname}`).toEqual({
          kind: "refused",
          status: 403,
          reason: expect.stringContaining("different tenant"),
        });
      }
    }
  });

  it("treats an empty header as absent", async () => {
    expect(await resolve({ host: "logiaccounting.test", pathname: "/", tenantHeader: "  " })).toEqual({
      kind: "platform",
    });
  });
});

describe("JWT claim rules", () => {
  it("is ignored on a tenant host (the host decides, membership is not even asked)", async () => {
    const result = await resolve({
      host: "acme.logiaccounting.test",
      jwt: { userId: USER, activeTenantId: globex.id },
    });
    expect(result).toMatchObject({ kind: "tenant", tenant: { id: acme.id }, method: "subdomain" });
    const custom = await resolve({ host: "app.acme.com", jwt: { userId: USER, activeTenantId: globex.id } });
    expect(custom).toMatchObject({ kind: "tenant", tenant: { id: acme.id }, method: "custom_domain" });
    expect(deps.isMember).not.toHaveBeenCalled();
  });

  it("is ignored for a non-member: the root domain serves the platform", async () => {
    const result = await resolve({ host: "logiaccounting.test", jwt: { userId: USER, activeTenantId: initech.id } });
    expect(result).toEqual({ kind: "platform" });
    expect(deps.isMember).toHaveBeenCalledWith(USER, initech.id);
  });

  it("is ignored when the claim is not a tenant id or names a gone tenant", async () => {
    for (const claim of ["acme", "garbage", deleted.id, "00000000-0000-4000-8000-ffffffffffff"]) {
      expect(
        await resolve({ host: "logiaccounting.test", jwt: { userId: USER, activeTenantId: claim } }),
        claim,
      ).toEqual({ kind: "platform" });
    }
  });

  it("reports a member's suspended tenant as suspended", async () => {
    const result = await resolve({ host: "logiaccounting.test", jwt: { userId: USER, activeTenantId: suspended.id } });
    expect(result).toEqual({ kind: "suspended", tenant: suspended, method: "jwt" });
  });
});

describe("hosts that reach no tenant", () => {
  it("reserved sub-domains are not found, whatever the request carries", async () => {
    for (const host of ["www.logiaccounting.test", "api.logiaccounting.test", "admin.logiaccounting.test:3000"]) {
      const result = await resolve({
        host,
        pathname: "/api/v1/x",
        tenantHeader: "globex",
        credentialTenantIds: [globex.id],
        jwt: { userId: USER, activeTenantId: acme.id },
      });
      expect(result, host).toEqual({ kind: "not_found", reason: "reserved_subdomain" });
    }
    expect(loader.total()).toBe(0);
  });

  it("unknown hosts and unknown sub-domains are not found", async () => {
    expect(await resolve({ host: "unknown.example" })).toEqual({ kind: "not_found", reason: "unknown_host" });
    expect(await resolve({ host: "nobody.logiaccounting.test" })).toEqual({
      kind: "not_found",
      reason: "unknown_host",
    });
    expect(await resolve({ host: "a.acme.logiaccounting.test" })).toEqual({
      kind: "not_found",
      reason: "unknown_host",
    });
  });

  it("an unknown host with a header is still not found (the header cannot rescue a host)", async () => {
    const result = await resolve({
      host: "unknown.example",
      pathname: "/api/x",
      tenantHeader: "globex",
      credentialTenantIds: [globex.id],
    });
    expect(result).toMatchObject({ kind: "not_found" });
  });

  it("invalid Host headers are not found", async () => {
    expect(await resolve({ host: "acme.logiaccounting.test/evil" })).toEqual({
      kind: "not_found",
      reason: "invalid_host",
    });
    expect(await resolve({ host: "evil.example@acme.logiaccounting.test" })).toEqual({
      kind: "not_found",
      reason: "invalid_host",
    });
  });
});

describe("tenant status", () => {
  it("suspended → suspended, by sub-domain, custom domain and header", async () => {
    expect(await resolve({ host: "paused.logiaccounting.test" })).toEqual({
      kind: "suspended",
      tenant: suspended,
      method: "subdomain",
    });
    expect(await resolve({ host: "paused.example" })).toEqual({
      kind: "suspended",
      tenant: suspended,
      method: "custom_domain",
    });
    const header = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: "paused",
      credentialTenantIds: [suspended.id],
    });
    expect(header).toEqual({ kind: "suspended", tenant: suspended, method: "header" });
  });

  it.each([
    ["pending", pending],
    ["cancelled", cancelled],
    ["deleted", deleted],
    ["deleted_at set", softDeleted],
  ])("%s → not found, by sub-domain, custom domain and header", async (_label, tenant) => {
    expect(await resolve({ host: `${tenant.slug}.logiaccounting.test` })).toMatchObject({ kind: "not_found" });
    expect(await resolve({ host: tenant.domains[0] })).toMatchObject({ kind: "not_found" });
    const byId = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: tenant.id,
      credentialTenantIds: [tenant.id],
    });
    expect(byId).toMatchObject({ kind: "not_found" });
    const bySlug = await resolve({
      host: "logiaccounting.test",
      pathname: "/api/x",
      tenantHeader: tenant.slug,
      credentialTenantIds: [tenant.id],
    });
    expect(bySlug).toMatchObject({ kind: "not_found" });
  });

  it("a gone tenant's host is not found even when a header names another tenant (nothing to learn from a 403)", async () => {
    expect(await resolve({ host: "deleted.logiaccounting.test", tenantHeader: "globex" })).toMatchObject({
      kind: "not_found",
    });
  });
});

describe("directory without a synchronous cache", () => {
  it("gives the same answers over a plain asynchronous lookup (no peek)", async () => {
    const plain = countingLoader(ALL); // byId/bySlug/byDomain only
    const viaPlain: ResolverDependencies = { ...deps, directory: plain };
    const requests: ResolutionRequest[] = [
      { host: "app.acme.com", pathname: "/" },
      { host: "globex.logiaccounting.test", pathname: "/" },
      { host: "acme.logiaccounting.test", pathname: "/" },
      { host: "paused.logiaccounting.test", pathname: "/" },
      { host: "deleted.logiaccounting.test", pathname: "/" },
      { host: "logiaccounting.test", pathname: "/api/x", tenantHeader: "globex", credentialTenantIds: [globex.id] },
      { host: "logiaccounting.test", pathname: "/", jwt: { userId: USER, activeTenantId: acme.id } },
      { host: "logiaccounting.test", pathname: "/", jwt: { userId: USER, activeTenantId: initech.id } },
    ];
    for (const request of requests) {
      expect(await resolveTenant(request, viaPlain), request.host ?? "").toEqual(await resolveTenant(request, deps));
    }
  });

  it("waits for an asynchronous membership check", async () => {
    const slowMember: ResolverDependencies = { ...deps, isMember: async () => true };
    const result = await resolveTenant(
      { host: "logiaccounting.test", pathname: "/", jwt: { userId: USER, activeTenantId: initech.id } },
      slowMember,
    );
    expect(result).toMatchObject({ kind: "tenant", method: "jwt", tenant: { id: initech.id } });
  });

  it("a warm resolution asks the cache only, never the loader", async () => {
    await resolve({ host: "acme.logiaccounting.test" });
    const before = loader.total();
    for (let i = 0; i < 10; i++) await resolve({ host: "acme.logiaccounting.test" });
    expect(loader.total()).toBe(before);
  });
});
