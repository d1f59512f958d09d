import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrations";
import { pgliteExecutor } from "@/lib/db/sql";
import { PrismaClient } from "@/lib/generated/control/client";
import { TenantDirectory } from "@/lib/tenancy/directory";
import { prismaTenantLoader } from "@/lib/tenancy/directory-loader";
import { resolveTenant } from "@/lib/tenancy/resolver";

/**
 * The directory against a real control-plane database (PGlite in memory, migrated with the
 * project's own SQL): what tenant_domains rows route, what a record carries, and that an
 * invalidation after a real write is seen by the next lookup.
 */

const ACME = "a0000000-0000-4000-8000-000000000001";
const GLOBEX = "a0000000-0000-4000-8000-000000000002";
const GONE = "a0000000-0000-4000-8000-000000000003";

let pg: PGlite;
let db: PrismaClient;

beforeAll(async () => {
  pg = new PGlite();
  await migrate({ plane: "control", schema: "public", db: pgliteExecutor(pg) });
  db = new PrismaClient({ adapter: new PrismaPGlite(pg) });
  await pg.exec(`
    INSERT INTO tenants (id, slug, name, email, status, tier) VALUES
      ('${ACME}', 'acme', 'Acme Ltd', 'ops@acme.test', 'active', 'standard');
    INSERT INTO tenants (id, slug, name, email, status, tier, isolation_level, schema_name, suspended_at) VALUES
      ('${GLOBEX}', 'globex', 'Globex', 'ops@globex.test', 'suspended', 'business', 'schema', 't_globex', now());
    INSERT INTO tenants (id, slug, name, email, status, tier, deleted_at) VALUES
      ('${GONE}', 'gone', 'Gone', 'ops@gone.test', 'deleted', 'free', '2026-01-02T03:04:05.678Z');
    INSERT INTO tenant_settings (tenant_id, primary_color, secondary_color, ip_whitelist, session_timeout_minutes, password_policy) VALUES
      ('${ACME}', '#112233', '#445566', '{10.0.0.0/8,2001:db8::/32}', 30, '{"minLength": 12, "requireSymbols": true}');
    INSERT INTO tenant_domains (tenant_id, domain, domain_type, is_verified, is_active, is_primary) VALUES
      ('${ACME}', 'app.acme.com', 'custom', true, true, true),
      ('${ACME}', 'xn--bcher-kva.example', 'custom', true, true, false),
      ('${ACME}', 'unverified.acme.com', 'custom', false, true, false),
      ('${ACME}', 'inactive.acme.com', 'custom', true, false, false),
      ('${ACME}', 'acme.logiaccounting.test', 'subdomain', true, true, false),
      ('${GONE}', 'gone.example', 'custom', true, true, false);
  `);
}, 120_000);

afterAll(async () => {
  await db?.$disconnect();
  await pg?.close();
});

describe("prismaTenantLoader", () => {
  it("finds a tenant by verified, active custom domain, with everything routing needs", async () => {
    const loader = prismaTenantLoader(db);
    expect(await loader.byDomain("app.acme.com")).toEqual({
      id: ACME,
      slug: "acme",
      name: "Acme Ltd",
      status: "active",
      deletedAt: null,
      tier: "standard",
      isolationLevel: "shared_database",
      schemaName: null,
      databaseName: null,
      features: {
        basic_invoicing: true,
        inventory: true,
        reports: true,
        projects: false,
        api_access: false,
        audit: false,
        sso: false,
        custom_domain: false,
        dedicated_db: false,
      },
      ipAllowList: ["10.0.0.0/8", "2001:db8::/32"],
      sessionTimeoutMinutes: 30,
      passwordPolicy: { minLength: 12, requireSymbols: true },
      branding: { primaryColor: "#112233", secondaryColor: "#445566" },
      domains: ["app.acme.com", "xn--bcher-kva.example"],
    });
  });

  it("does not route an unverified or an inactive custom domain", async () => {
    const loader = prismaTenantLoader(db);
    expect(await loader.byDomain("unverified.acme.com")).toBeNull();
    expect(await loader.byDomain("inactive.acme.com")).toBeNull();
    expect(await loader.byDomain("nowhere.example")).toBeNull();
  });

  it("does not route platform 'subdomain' rows by host (sub-domains resolve by slug)", async () => {
    expect(await prismaTenantLoader(db).byDomain("acme.logiaccounting.test")).toBeNull();
  });

  it("finds tenants by slug and id; a tenant without settings gets the defaults", async () => {
    const loader = prismaTenantLoader(db);
    const globex = await loader.bySlug("globex");
    expect(globex).toMatchObject({
      id: GLOBEX,
      status: "suspended",
      tier: "business",
      isolationLevel: "schema",
      schemaName: "t_globex",
      features: { audit: true, sso: true, custom_domain: true },
      ipAllowList: [],
      sessionTimeoutMinutes: 60,
      passwordPolicy: {},
      branding: { primaryColor: "#2563eb", secondaryColor: "#1e40af" },
      domains: [],
    });
    expect(await loader.byId(GLOBEX)).toEqual(globex);
    expect(await loader.bySlug("nobody")).toBeNull();
    expect(await loader.byId("a0000000-0000-4000-8000-00000000ffff")).toBeNull();
  });

  it("returns deleted tenants with their deletion time (the resolver refuses them)", async () => {
    expect(await prismaTenantLoader(db).byDomain("gone.example")).toMatchObject({
      slug: "gone",
      status: "deleted",
      deletedAt: "2026-01-02T03:04:05.678Z",
    });
  });

  it("records survive the shared cache's JSON round trip unchanged", async () => {
    const record = await prismaTenantLoader(db).byDomain("app.acme.com");
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });
});

describe("TenantDirectory over the database", () => {
  it("resolves hosts end to end, IDN included", async () => {
    const directory = new TenantDirectory({ loader: prismaTenantLoader(db) });
    const deps = { directory, isMember: () => false, rootDomain: "logiaccounting.test" };
    const resolve = (host: string) => resolveTenant({ host, pathname: "/" }, deps);
    expect(await resolve("app.acme.com")).toMatchObject({
      kind: "tenant",
      method: "custom_domain",
      tenant: { id: ACME },
    });
    expect(await resolve("BÜCHER.example:443")).toMatchObject({
      kind: "tenant",
      method: "custom_domain",
      tenant: { id: ACME },
    });
    expect(await resolve("acme.logiaccounting.test")).toMatchObject({
      kind: "tenant",
      method: "subdomain",
      tenant: { id: ACME },
    });
    expect(await resolve("globex.logiaccounting.test")).toMatchObject({ kind: "suspended", tenant: { id: GLOBEX } });
    expect(await resolve("unverified.acme.com")).toEqual({ kind: "not_found", reason: "unknown_host" });
    expect(await resolve("inactive.acme.com")).toEqual({ kind: "not_found", reason: "unknown_host" });
    expect(await resolve("gone.example")).toMatchObject({ kind: "not_found" });
    expect(await resolve("gone.logiaccounting.test")).toMatchObject({ kind: "not_found" });
    await directory.close();
  });

  it("after a committed write and invalidateTenant, the next lookup sees the new slug, domain and status", async () => {
    const directory = new TenantDirectory({ loader: prismaTenantLoader(db) });
    expect(await directory.bySlug("acme")).toMatchObject({ status: "active" });
    expect(await directory.byDomain("unverified.acme.com")).toBeNull();

    await db.$transaction([
      db.tenant.update({ where: { id: ACME }, data: { slug: "acme-corp", status: "suspended" } }),
      db.tenantDomain.update({
        where: { domain: "unverified.acme.com" },
        data: { isVerified: true, verifiedAt: new Date() },
      }),
    ]);
    // Still the cached answers until the writer invalidates...
    expect(await directory.bySlug("acme")).toMatchObject({ status: "active" });
    await directory.invalidateTenant(ACME);
    // ...then every key of the tenant is fresh, the formerly unknown domain included.
    expect(await directory.bySlug("acme")).toBeNull();
    expect(await directory.bySlug("acme-corp")).toMatchObject({ id: ACME, status: "suspended" });
    expect(await directory.byDomain("unverified.acme.com")).toMatchObject({ id: ACME });
    expect(await directory.byDomain("app.acme.com")).toMatchObject({ slug: "acme-corp" });
    await directory.close();
  });
});
