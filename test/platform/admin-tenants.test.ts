import { beforeAll, describe, expect, it } from "vitest";
import { withDemoDatabase } from "../support/demo-database";

/**
 * The platform admin's tenant service (lib/platform/admin-tenants.ts) against a real
 * embedded (PGlite) database seeded with the demo tenants: acme (professional), globex
 * (free), initech (business), umbrella (suspended). Every mutation must leave a row in
 * platform_audit_logs and be visible to the tenant directory (what the proxy reads) at once.
 */

type Admin = typeof import("@/lib/platform/admin-tenants");
type Errors = typeof import("@/lib/http/errors");
type Control = Awaited<ReturnType<typeof import("@/lib/db/control").controlDb>>;

let admin: Admin;
let errors: Errors;
let db: Control;
let resolver: typeof import("@/lib/tenancy/resolver");
let directory: typeof import("@/lib/tenancy/directory-instance");
let adminId: string;
const ids: Record<string, string> = {};

const actor = () => ({ userId: adminId, ip: "203.0.113.7" });

withDemoDatabase("admin-tenants-test");

beforeAll(async () => {
  admin = await import("@/lib/platform/admin-tenants");
  errors = await import("@/lib/http/errors");
  resolver = await import("@/lib/tenancy/resolver");
  directory = await import("@/lib/tenancy/directory-instance");
  db = await (await import("@/lib/db/control")).controlDb();
  adminId = (await db.user.findUniqueOrThrow({ where: { email: "admin@logiaccounting.test" } })).id;
  for (const t of await db.tenant.findMany({ select: { id: true, slug: true } })) ids[t.slug] = t.id;
}, 120_000);

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

function fieldsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(errors.ValidationError);
  return (error as InstanceType<Errors["ValidationError"]>).issues.map((i) => i.field);
}

async function auditRows(targetId: string, action: string) {
  return db.platformAuditLog.findMany({
    where: { targetType: "tenant", targetId, action },
    orderBy: { createdAt: "asc" },
  });
}

/** What the proxy would answer for `<slug>.localhost:3000/`. */
async function resolveHost(slug: string) {
  return resolver.resolveTenant(
    { host: `${slug}.localhost:3000`, pathname: "/" },
    { directory: directory.tenantDirectory(), isMember: () => false, rootDomain: "localhost:3000" },
  );
}

describe("list", () => {
  it("lists the demo tenants by name with their plan", async () => {
    const page = await admin.listTenants();
    const slugs = page.data.map((t) => t.slug);
    expect(slugs).toEqual(expect.arrayContaining(["acme", "globex", "initech", "umbrella"]));
    const names = page.data.map((t) => t.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(page.data.find((t) => t.slug === "acme")).toMatchObject({
      tier: "professional",
      status: "active",
      isolationLevel: "shared_database",
      ownerEmail: "alice@acme.test",
    });
  });

  it("searches name, slug and e-mail case-insensitively", async () => {
    expect((await admin.listTenants({ search: "ACME" })).data.map((t) => t.slug)).toEqual(["acme"]);
    expect((await admin.listTenants({ search: "bookkeeping" })).data.map((t) => t.slug)).toEqual(["globex"]);
    expect((await admin.listTenants({ search: "carol@initech" })).data.map((t) => t.slug)).toEqual(["initech"]);
    expect((await admin.listTenants({ search: "no-such-tenant" })).total).toBe(0);
  });

  it("filters by status, tier and isolation level", async () => {
    expect((await admin.listTenants({ status: "suspended" })).data.map((t) => t.slug)).toEqual(["umbrella"]);
    expect((await admin.listTenants({ tier: "free" })).data.map((t) => t.slug)).toContain("globex");
    expect((await admin.listTenants({ tier: "free" })).data.every((t) => t.tier === "free")).toBe(true);
    const shared = await admin.listTenants({ isolationLevel: "shared_database" });
    expect(shared.total).toBe((await admin.listTenants()).total);
    expect((await admin.listTenants({ isolationLevel: "database" })).total).toBe(0);
    // The query-string form: empty values are absent, `level` is an alias.
    const fromQuery = admin.listQueryFrom(new URLSearchParams("search=&status=active&level=shared_database&tier="));
    expect((await admin.listTenants(fromQuery)).data.every((t) => t.status === "active")).toBe(true);
  });

  it("refuses unknown filter values and bad page numbers with 422 naming the parameter", async () => {
    expect(fieldsOf(await failure(admin.listTenants({ status: "frozen" as never })))).toEqual(["status"]);
    expect(fieldsOf(await failure(admin.listTenants({ isolationLevel: "cloud" as never })))).toEqual([
      "isolationLevel",
    ]);
    expect(fieldsOf(await failure(admin.listTenants({ page: 0 })))).toEqual(["page"]);
    expect(fieldsOf(await failure(admin.listTenants({ pageSize: 500 })))).toEqual(["pageSize"]);
  });
});

describe("create", () => {
  it("provisions a tenant and records tenant.created without the password", async () => {
    for (const slug of ["admin-made-a", "admin-made-b", "admin-made-c"]) {
      const tenant = await admin.createTenant(actor(), {
        name: `Admin Made ${slug.slice(-1).toUpperCase()}`,
        slug,
        tier: "standard",
        ownerEmail: `owner@${slug}.test`,
        ownerName: "Olga Owner",
        ownerPassword: "Admin-made-Passw0rd",
      });
      expect(tenant).toMatchObject({ slug, status: "active", tier: "standard" });
      ids[slug] = tenant.id;
      const [row] = await auditRows(tenant.id, "tenant.created");
      expect(row).toMatchObject({ actorId: adminId, ip: "203.0.113.7" });
      expect(JSON.stringify(row.data)).toContain(slug);
      expect(JSON.stringify(row.data)).not.toContain("Admin-made-Passw0rd");
    }
    expect((await resolveHost("admin-made-a")).kind).toBe("tenant");
  });

  it("refuses a taken or reserved slug and a bad e-mail with 422 naming the field", async () => {
    const taken = await failure(admin.createTenant(actor(), { name: "Acme 2", slug: "acme", ownerEmail: "x@y.test" }));
    expect(fieldsOf(taken)).toContain("slug");
    const reserved = await failure(admin.createTenant(actor(), { name: "A", slug: "admin", ownerEmail: "x@y.test" }));
    expect(fieldsOf(reserved)).toContain("slug");
    const email = await failure(admin.createTenant(actor(), { name: "A", slug: "fine-slug", ownerEmail: "nope" }));
    expect(fieldsOf(email)).toEqual(["ownerEmail"]);
  });
});

describe("pagination", () => {
  it("shows every tenant exactly once across pages, whatever the page size", async () => {
    const all = await admin.listTenants({ pageSize: 100 });
    expect(all.total).toBeGreaterThanOrEqual(7);
    for (const pageSize of [1, 2, 3]) {
      const seen: string[] = [];
      let page = 1;
      let totalPages = Infinity;
      while (page <= totalPages) {
        const result = await admin.listTenants({ page, pageSize });
        expect(result.data.length).toBeLessThanOrEqual(pageSize);
        expect(result.total).toBe(all.total);
        totalPages = result.totalPages;
        seen.push(...result.data.map((t) => t.id));
        page++;
      }
      expect(seen).toHaveLength(all.total);
      expect(new Set(seen).size).toBe(all.total);
      expect(seen).toEqual(all.data.map((t) => t.id));
    }
    // Past the last page: empty, not an error.
    expect((await admin.listTenants({ page: 999 })).data).toEqual([]);
  });
});

describe("get and update", () => {
  it("gets a tenant with owner, quota and domains; unknown ids are 404", async () => {
    const initech = await admin.getTenant(ids.initech);
    expect(initech).toMatchObject({ slug: "initech", owner: { email: "carol@initech.test" } });
    expect(initech.domains.map((d) => d.domain)).toContain("app.initech.test");
    expect(await failure(admin.getTenant("00000000-0000-4000-8000-000000000000"))).toBeInstanceOf(errors.NotFoundError);
    expect(await failure(admin.getTenant("not-a-uuid"))).toBeInstanceOf(errors.NotFoundError);
  });

  it("updates profile fields and records before/after", async () => {
    const updated = await admin.updateTenant(actor(), ids["admin-made-a"], {
      name: "Admin Made Alpha",
      legalName: "Alpha GmbH",
      city: "Berlin",
      country: "de",
      vatNumber: "DE123456789",
      phone: "",
    });
    expect(updated).toMatchObject({ name: "Admin Made Alpha", legalName: "Alpha GmbH", country: "DE", phone: null });
    const [row] = await auditRows(ids["admin-made-a"], "tenant.updated");
    expect(row.data).toMatchObject({
      before: { name: "Admin Made A", legalName: null },
      after: { name: "Admin Made Alpha", legalName: "Alpha GmbH", country: "DE" },
    });
    // The directory (what the proxy reads) has the new name at once.
    const resolved = await resolveHost("admin-made-a");
    expect(resolved.kind === "tenant" && resolved.tenant.name).toBe("Admin Made Alpha");
  });

  it("changing the tier copies the plan's limits into the quota", async () => {
    const business = await db.subscriptionPlan.findUniqueOrThrow({ where: { tier: "business" } });
    const updated = await admin.updateTenant(actor(), ids["admin-made-b"], { tier: "business" });
    expect(updated.tier).toBe("business");
    expect(updated.quota).toMatchObject({
      maxUsers: business.maxUsers,
      maxInvoicesPerMonth: business.maxInvoices,
      maxProducts: business.maxProducts,
      maxApiCallsPerMonth: business.maxApiCalls,
    });
    const resolved = await resolveHost("admin-made-b");
    expect(resolved.kind === "tenant" && resolved.tenant.tier).toBe("business");
    const [row] = await auditRows(ids["admin-made-b"], "tenant.updated");
    expect(row.data).toMatchObject({ before: { tier: "standard" }, after: { tier: "business" } });
  });

  it("refuses a tier without an active plan, with 422 naming tier", async () => {
    expect(fieldsOf(await failure(admin.updateTenant(actor(), ids.acme, { tier: "platinum" })))).toEqual(["tier"]);
    await db.subscriptionPlan.update({ where: { tier: "enterprise" }, data: { isActive: false } });
    try {
      expect(fieldsOf(await failure(admin.updateTenant(actor(), ids.acme, { tier: "enterprise" })))).toEqual(["tier"]);
    } finally {
      await db.subscriptionPlan.update({ where: { tier: "enterprise" }, data: { isActive: true } });
    }
    expect((await admin.getTenant(ids.acme)).tier).toBe("professional");
  });

  it("moving an active tenant to another isolation level is refused with 409; the same level is a no-op", async () => {
    const error = await failure(admin.updateTenant(actor(), ids.acme, { isolationLevel: "schema" }));
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toContain("Suspend the tenant");
    expect((await admin.getTenant(ids.acme)).isolationLevel).toBe("shared_database");
    // Setting the current level is accepted (nothing changes, nothing is logged).
    await admin.updateTenant(actor(), ids.acme, { isolationLevel: "shared_database" });
    expect(await auditRows(ids.acme, "tenant.updated")).toHaveLength(0);
    expect(await auditRows(ids.acme, "tenant.isolation_moved")).toHaveLength(0);
  });

  it("refuses unknown fields and invalid values with 422 naming them", async () => {
    expect(fieldsOf(await failure(admin.updateTenant(actor(), ids.acme, { status: "active" })))).toEqual(["status"]);
    expect(
      fieldsOf(await failure(admin.updateTenant(actor(), ids.acme, { email: "nope", country: "Germany" }))),
    ).toEqual(["email", "country"]);
  });
});

describe("suspend and activate", () => {
  it("suspend requires a reason (422 naming reason)", async () => {
    expect(fieldsOf(await failure(admin.suspendTenant(actor(), ids.globex, {})))).toEqual(["reason"]);
    expect(fieldsOf(await failure(admin.suspendTenant(actor(), ids.globex, { reason: "   " })))).toEqual(["reason"]);
    expect((await admin.getTenant(ids.globex)).status).toBe("active");
  });

  it("suspends: the host answers suspended at once, and the reason is logged", async () => {
    expect((await resolveHost("globex")).kind).toBe("tenant");
    const suspended = await admin.suspendTenant(actor(), ids.globex, { reason: "Chargeback under review" });
    expect(suspended).toMatchObject({ status: "suspended", suspendedReason: "Chargeback under review" });
    expect(suspended.suspendedAt).not.toBeNull();
    expect((await resolveHost("globex")).kind).toBe("suspended");
    const [row] = await auditRows(ids.globex, "tenant.suspended");
    expect(row).toMatchObject({ actorId: adminId, ip: "203.0.113.7" });
    expect(row.data).toMatchObject({ reason: "Chargeback under review", before: { status: "active" } });
    const again = await failure(admin.suspendTenant(actor(), ids.globex, { reason: "again" }));
    expect(again).toBeInstanceOf(errors.ConflictError);
  });

  it("activates: the host is served again and the log says so", async () => {
    const active = await admin.activateTenant(actor(), ids.globex);
    expect(active).toMatchObject({ status: "active", suspendedAt: null, suspendedReason: null });
    expect((await resolveHost("globex")).kind).toBe("tenant");
    const [row] = await auditRows(ids.globex, "tenant.activated");
    expect(row.data).toMatchObject({ before: { status: "suspended", suspendedReason: "Chargeback under review" } });
    expect(await failure(admin.activateTenant(actor(), ids.globex))).toBeInstanceOf(errors.ConflictError);
  });
});

describe("soft delete", () => {
  it("hides the tenant: 404 from the service, unknown to the resolver, only in the deleted filter", async () => {
    const id = ids["admin-made-c"];
    expect((await resolveHost("admin-made-c")).kind).toBe("tenant");
    const result = await admin.softDeleteTenant(actor(), id);
    expect(result).toMatchObject({ id, status: "deleted" });

    const row = await db.tenant.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("deleted");
    expect(row.deletedAt).not.toBeNull();

    expect(await failure(admin.getTenant(id))).toBeInstanceOf(errors.NotFoundError);
    expect(await failure(admin.suspendTenant(actor(), id, { reason: "x" }))).toBeInstanceOf(errors.NotFoundError);
    expect(await failure(admin.softDeleteTenant(actor(), id))).toBeInstanceOf(errors.NotFoundError);
    expect((await resolveHost("admin-made-c")).kind).toBe("not_found");

    expect((await admin.listTenants({ pageSize: 100 })).data.map((t) => t.id)).not.toContain(id);
    expect((await admin.listTenants({ status: "deleted" })).data.map((t) => t.id)).toEqual([id]);

    const [audit] = await auditRows(id, "tenant.deleted");
    expect(audit).toMatchObject({ actorId: adminId });
    expect(audit.data).toMatchObject({ before: { status: "active" }, after: { status: "deleted" } });
  });
});
