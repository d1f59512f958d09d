import { beforeAll, describe, expect, it } from "vitest";
import { PROVISIONING_STEPS } from "@/lib/tenancy/provisioning-steps";
import { withDemoDatabase } from "../support/demo-database";

/**
 * Tenant provisioning (lib/tenancy/provisioning.ts) against a real embedded (PGlite)
 * database: the happy path, idempotency, a crash and a failure injected at every step
 * followed by a resume, cleanup of a failed tenant, and slug validation.
 */

type Provisioning = typeof import("@/lib/tenancy/provisioning");
type Control = Awaited<ReturnType<typeof import("@/lib/db/control").controlDb>>;

let provisioning: Provisioning;
let db: Control;
let context: typeof import("@/lib/tenancy/context");
let scoped: typeof import("@/lib/tenancy/scoped-client");
let passwords: typeof import("@/lib/auth/passwords");

withDemoDatabase("provisioning-test");

beforeAll(async () => {
  provisioning = await import("@/lib/tenancy/provisioning");
  context = await import("@/lib/tenancy/context");
  scoped = await import("@/lib/tenancy/scoped-client");
  passwords = await import("@/lib/auth/passwords");
  db = await (await import("@/lib/db/control")).controlDb();
}, 120_000);

function input(slug: string, extra: Partial<Parameters<Provisioning["provisionTenant"]>[0]> = {}) {
  return {
    name: `Company ${slug}`,
    slug,
    tier: "professional",
    ownerEmail: `owner@${slug}.test`,
    ownerName: "Olivia Owner",
    ownerPassword: "Sign-up-Passw0rd",
    ...extra,
  };
}

/** Reads the tenant's business rows through the scoped client, as that tenant. */
async function tenantRows(tenantId: string) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  return context.runInTenantContext(
    {
      tenant: { id: tenant.id, slug: tenant.slug, tier: tenant.tier, isolationLevel: "shared_database", features: {} },
      actor: { type: "system", reason: "test" },
    },
    () =>
      scoped.tenantTransaction(async (tx) => ({
        customers: await tx.customer.findMany({ orderBy: { name: "asc" } }),
        products: await tx.product.findMany({ orderBy: { sku: "asc" } }),
      })),
  );
}

/** Every control-plane row provisioning creates, counted. */
async function controlCounts(tenantId: string) {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  return {
    tenants: tenant ? 1 : 0,
    settings: await db.tenantSettings.count({ where: { tenantId } }),
    quotas: await db.tenantQuota.count({ where: { tenantId } }),
    subscriptions: await db.tenantSubscription.count({ where: { tenantId } }),
    memberships: await db.membership.count({ where: { tenantId } }),
    overrides: await db.tenantFeature.count({ where: { tenantId } }),
  };
}

const COMPLETE = { tenants: 1, settings: 1, quotas: 1, subscriptions: 1, memberships: 1, overrides: 0 };

async function expectComplete(tenantId: string, ownerEmail: string) {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { id: tenantId }, include: { owner: true } });
  expect(tenant.status).toBe("active");
  expect(tenant.provisioningFailedStep).toBeNull();
  expect(tenant.provisioningError).toBeNull();
  expect(tenant.provisioningInput).toBeNull();
  expect(tenant.provisionedAt).toBeInstanceOf(Date);
  expect(Object.keys(tenant.provisioningSteps as object).sort()).toEqual([...provisioning.PROVISIONING_STEPS].sort());
  expect(tenant.owner?.email).toBe(ownerEmail);
  expect(await controlCounts(tenantId)).toEqual(COMPLETE);
  expect(await db.user.count({ where: { email: ownerEmail } })).toBe(1);
  const rows = await tenantRows(tenantId);
  expect(rows.customers).toHaveLength(2);
  expect(rows.products).toHaveLength(2);
}

describe("provisionTenant", () => {
  it("creates a complete, active tenant with the plan's limits, an owner and sample data", async () => {
    const result = await provisioning.provisionTenant(input("wayne", { name: "Wayne Enterprises" }));
    expect(result).toEqual({ tenantId: expect.any(String), status: "active" });
    await expectComplete(result.tenantId, "owner@wayne.test");

    const plan = await db.subscriptionPlan.findUniqueOrThrow({ where: { tier: "professional" } });
    const quota = await db.tenantQuota.findUniqueOrThrow({ where: { tenantId: result.tenantId } });
    expect(quota).toMatchObject({
      maxUsers: plan.maxUsers,
      maxStorageMb: plan.maxStorageMb,
      maxApiCallsPerMonth: plan.maxApiCalls,
      maxInvoicesPerMonth: plan.maxInvoices,
      maxProducts: plan.maxProducts,
      maxProjects: plan.maxProjects,
      maxIntegrations: plan.maxIntegrations,
      currentUsers: 1,
      currentProducts: 2,
    });
    const subscription = await db.tenantSubscription.findFirstOrThrow({ where: { tenantId: result.tenantId } });
    expect(subscription).toMatchObject({ planId: "professional", planName: "Professional", status: "active" });
    expect(Number(subscription.priceAmount)).toBe(79);

    const owner = await db.user.findUniqueOrThrow({ where: { email: "owner@wayne.test" } });
    expect(owner.name).toBe("Olivia Owner");
    expect(await passwords.verifyPassword(owner.passwordHash!, "Sign-up-Passw0rd")).toBe(true);
    const membership = await db.membership.findUniqueOrThrow({
      where: { tenantId_userId: { tenantId: result.tenantId, userId: owner.id } },
    });
    expect(membership.role).toBe("owner");

    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: result.tenantId } });
    expect(tenant).toMatchObject({
      slug: "wayne",
      name: "Wayne Enterprises",
      tier: "professional",
      isolationLevel: "shared_database",
    });
    const steps = tenant.provisioningSteps as Record<string, { at: string }>;
    for (const step of provisioning.PROVISIONING_STEPS) expect(Date.parse(steps[step].at)).not.toBeNaN();
    expect(steps.features).toMatchObject({
      source: "plan",
      enabled: expect.arrayContaining(["projects", "api_access"]),
    });

    // Sample data belongs to this tenant only: acme (a demo tenant) does not see it.
    const acme = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const acmeRows = await tenantRows(acme.id);
    expect(acmeRows.customers.map((c) => c.name)).not.toContain("Sample Customer Ltd");
    expect(acmeRows.products.map((p) => p.sku)).not.toContain("SAMPLE-HOUR");
    const { findActiveTenantBySlug } = await import("@/lib/tenancy/tenants");
    expect((await findActiveTenantBySlug("wayne"))?.features.projects).toBe(true);
  });

  it("is idempotent: the same request twice, and a resume of an active tenant, add nothing", async () => {
    const first = await provisioning.provisionTenant(input("stark"));
    const second = await provisioning.provisionTenant(input("stark"));
    expect(second).toEqual(first);
    expect(await provisioning.resumeProvisioning(first.tenantId)).toEqual({
      tenantId: first.tenantId,
      status: "active",
    });
    await expectComplete(first.tenantId, "owner@stark.test");
  });

  it("uses an existing account as the owner without changing its password", async () => {
    const existing = await db.user.create({
      data: {
        email: "existing@owner.test",
        name: "Existing",
        passwordHash: await passwords.hashPassword("Old-Passw0rd"),
      },
    });
    const result = await provisioning.provisionTenant(
      input("existing-owner", { ownerEmail: "existing@owner.test", ownerName: "Other", ownerPassword: "New-Passw0rd" }),
    );
    expect(result.status).toBe("active");
    const user = await db.user.findUniqueOrThrow({ where: { id: existing.id } });
    expect(user.passwordHash).toBe(existing.passwordHash);
    expect(user.name).toBe("Existing");
    expect((await db.tenant.findUniqueOrThrow({ where: { id: result.tenantId } })).ownerId).toBe(existing.id);
  });

  describe.each(PROVISIONING_STEPS)("a crash at step %s", (step) => {
    it("leaves a state a resume completes, with every row exactly once", async () => {
      const slug = `crash-${step.replace("_", "-")}`;
      const crash = await provisioning.provisionTenant(input(slug), { failAt: step, failMode: "crash" }).then(
        () => null,
        (error: unknown) => error,
      );
      expect(crash).toBeInstanceOf(provisioning.ProvisioningCrash);
      const tenantId = (crash as InstanceType<Provisioning["ProvisioningCrash"]>).tenantId;

      const state = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      const index = provisioning.PROVISIONING_STEPS.indexOf(step);
      // Every step before the crash is recorded; the crashed one is not.
      expect(Object.keys(state.provisioningSteps as object).sort()).toEqual(
        provisioning.PROVISIONING_STEPS.slice(0, index).sort(),
      );
      expect(state.status).toBe(step === "reserve" ? "pending" : step === "activate" ? "active" : "provisioning");

      // A second request for the same tenant resumes too (the signup form submitted again).
      const resumed =
        step === "owner"
          ? await provisioning.provisionTenant(input(slug))
          : await provisioning.resumeProvisioning(tenantId);
      expect(resumed).toEqual({ tenantId, status: "active" });
      await expectComplete(tenantId, `owner@${slug}.test`);
      const owner = await db.user.findUniqueOrThrow({ where: { email: `owner@${slug}.test` } });
      expect(await passwords.verifyPassword(owner.passwordHash!, "Sign-up-Passw0rd")).toBe(true);
    });
  });

  describe.each(PROVISIONING_STEPS)("a failure at step %s", (step) => {
    it("is recorded as failed with the step and reason, and a resume completes", async () => {
      const slug = `fail-${step.replace("_", "-")}`;
      const result = await provisioning.provisionTenant(input(slug), { failAt: step });
      expect(result).toMatchObject({ status: "failed", failedStep: step, reason: expect.stringContaining(step) });
      if (step !== "activate") {
        const state = await db.tenant.findUniqueOrThrow({ where: { id: result.tenantId } });
        expect(state).toMatchObject({ status: "failed", provisioningFailedStep: step });
        expect(state.provisioningError).toContain(step);
        expect(await provisioning.checkSlug(slug)).toMatchObject({ available: false, problem: "taken" });
      }
      expect(await provisioning.resumeProvisioning(result.tenantId)).toEqual({
        tenantId: result.tenantId,
        status: "active",
      });
      await expectComplete(result.tenantId, `owner@${slug}.test`);
    });
  });
});

describe("cleanupFailedTenant", () => {
  it("removes a failed tenant's rows in both planes and the account it created", async () => {
    const result = await provisioning
      .provisionTenant(input("cleanup-me"), { failAt: "activate", failMode: "crash" })
      .catch((error: { tenantId: string }) => ({ tenantId: error.tenantId }));
    // Force the "failed" state as a failure at the very end would leave it.
    await db.tenant.update({ where: { id: result.tenantId }, data: { status: "failed" } });
    const before = await tenantRows(result.tenantId);
    expect(before.customers).toHaveLength(2);

    const outcome = await provisioning.cleanupFailedTenant(result.tenantId);
    expect(outcome).toEqual({ deleted: true, ownerDeleted: true });
    expect(await controlCounts(result.tenantId)).toEqual({
      tenants: 0,
      settings: 0,
      quotas: 0,
      subscriptions: 0,
      memberships: 0,
      overrides: 0,
    });
    expect(await db.user.count({ where: { email: "owner@cleanup-me.test" } })).toBe(0);
    // The tenant-plane rows are gone too (read back in the dead tenant's context).
    const after = await context.runInTenantContext(
      {
        tenant: {
          id: result.tenantId,
          slug: "cleanup-me",
          tier: "professional",
          isolationLevel: "shared_database",
          features: {},
        },
        actor: { type: "system", reason: "test" },
      },
      () => scoped.tenantTransaction(async (tx) => [await tx.customer.count(), await tx.product.count()]),
    );
    expect(after).toEqual([0, 0]);
    expect(await provisioning.checkSlug("cleanup-me")).toEqual({ slug: "cleanup-me", available: true, problem: null });
  });

  it("cleans up automatically with cleanupOnFailure, keeping an existing owner account", async () => {
    const result = await provisioning.provisionTenant(input("auto-clean", { ownerEmail: "alice@acme.test" }), {
      failAt: "sample_data",
      cleanupOnFailure: true,
    });
    expect(result).toMatchObject({ status: "failed", failedStep: "sample_data" });
    expect(await db.tenant.count({ where: { id: result.tenantId } })).toBe(0);
    expect(await db.user.count({ where: { email: "alice@acme.test" } })).toBe(1);
  });

  it("refuses to clean up an active tenant", async () => {
    const acme = await db.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    await expect(provisioning.cleanupFailedTenant(acme.id)).rejects.toThrow(/active/);
  });
});

describe("slug validation", () => {
  async function slugError(slug: string) {
    const error = await provisioning.provisionTenant(input(slug, { ownerEmail: "someone@slug.test" })).then(
      () => null,
      (e: unknown) => e as { issues?: Array<{ field: string; message: string }> },
    );
    expect(error?.issues?.[0]?.field).toBe("slug");
    return error!.issues![0].message;
  }

  it("refuses a bad format, a reserved name and a taken slug, naming the slug field", async () => {
    expect(await slugError("Bad_Slug!")).toMatch(/lower-case/);
    expect(await slugError("-dash")).toMatch(/lower-case/);
    expect(await slugError("admin")).toMatch(/reserved/);
    expect(await slugError("xn--pypal-4ve")).toMatch(/reserved/);
    expect(await slugError("acme")).toMatch(/taken/);
    expect(await db.tenant.count({ where: { slug: { in: ["admin", "-dash"] } } })).toBe(0);
  });

  it("checkSlug reports format, reserved, taken and available", async () => {
    expect(await provisioning.checkSlug("Nope!")).toMatchObject({ available: false, problem: "format" });
    expect(await provisioning.checkSlug("www")).toMatchObject({ available: false, problem: "reserved" });
    expect(await provisioning.checkSlug("acme")).toMatchObject({ available: false, problem: "taken" });
    expect(await provisioning.checkSlug("brand-new")).toEqual({ slug: "brand-new", available: true, problem: null });
  });

  it("refuses an unknown plan naming the tier field", async () => {
    await expect(provisioning.provisionTenant(input("no-plan", { tier: "platinum" }))).rejects.toMatchObject({
      issues: [{ field: "tier", message: expect.any(String) }],
    });
  });
});
