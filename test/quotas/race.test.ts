import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { controlDb } from "@/lib/db/control";
import { QuotaExceededError } from "@/lib/http/errors";
import { createInvoice } from "@/lib/accounting/invoices";
import { createProduct, deleteProduct } from "@/lib/accounting/products";
import { createProject, deleteProject } from "@/lib/accounting/projects";
import { consumeQuota, quotaStatus, releaseQuota } from "@/lib/quotas/quotas";
import { reconcileTenantQuotas } from "@/lib/quotas/reconcile";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";
import { describeIsolation } from "../support/isolation";
import { asTenant, createTenant, setQuota, settle } from "./support";

/**
 * The quota race: 50 creations at once with 3 slots left. Exactly 3 succeed, the other
 * 47 get the quota problem, and afterwards the counter equals the rows that exist — on
 * PGlite and on PostgreSQL (whose pool really runs the statements concurrently).
 */

const PARALLEL = 50;
const REMAINING = 3;

function expectQuotaProblems(errors: unknown[], quota: string, limit: number) {
  expect(errors).toHaveLength(PARALLEL - REMAINING);
  for (const error of errors) {
    expect(error).toBeInstanceOf(QuotaExceededError);
    const e = error as QuotaExceededError;
    expect(e.status).toBe(403);
    expect(e.extensions).toMatchObject({ quota, limit, used: limit });
  }
}

async function counter(tenantId: string, key: string): Promise<number> {
  return (await quotaStatus(tenantId)).find((s) => s.key === key)!.used;
}

describeIsolation("quota race: 50 parallel creations, 3 slots left", () => {
  it("invoices: exactly 3 are created, 47 get quota-exceeded, the counter equals the rows", async () => {
    const tenant = await createTenant("business");
    await setQuota(tenant.id, { maxInvoicesPerMonth: 10, currentInvoices: 0 });
    await quotaStatus(tenant.id); // opens the usage period
    await setQuota(tenant.id, { currentInvoices: 10 - REMAINING });
    const customer = await asTenant(tenant, () =>
      tenantTransaction((db) => db.customer.create({ data: { name: "Race Customer" } })),
    );
    const run = randomUUID().slice(0, 6);
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, (_, i) =>
        asTenant(tenant, () =>
          createInvoice({
            customerId: customer.id,
            number: `R-${run}-${i}`,
            lines: [{ description: "Work", quantity: 1, unitPriceMinor: 1000 }],
          }),
        ),
      ),
    );
    const { ok, errors } = settle(settled);
    expect(ok).toHaveLength(REMAINING);
    expectQuotaProblems(errors, "invoices", 10);
    const rows = await asTenant(tenant, () => tenantTransaction((db) => db.invoice.count()));
    expect(rows).toBe(REMAINING);
    expect(await counter(tenant.id, "invoices")).toBe(10);
    expect(await counter(tenant.id, "invoices")).toBe(10 - REMAINING + rows);
  });

  it("products: exactly 3 are created; a failed insert gives its slot back; delete releases", async () => {
    const tenant = await createTenant("standard");
    await setQuota(tenant.id, { maxProducts: REMAINING, currentProducts: 0 });
    const run = randomUUID().slice(0, 6);
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, (_, i) =>
        asTenant(tenant, () => createProduct({ sku: `RACE-${run}-${i}`, name: `Race ${i}`, priceMinor: 100 })),
      ),
    );
    const { ok, errors } = settle(settled);
    expect(ok).toHaveLength(REMAINING);
    expectQuotaProblems(errors, "products", REMAINING);
    const rows = await asTenant(tenant, () => tenantTransaction((db) => db.product.count()));
    expect(rows).toBe(REMAINING);
    expect(await counter(tenant.id, "products")).toBe(rows);

    // Deleting one frees one slot; a creation that fails on its own (duplicate SKU) does not keep it.
    await asTenant(tenant, () => deleteProduct(ok[0].id));
    expect(await counter(tenant.id, "products")).toBe(REMAINING - 1);
    await expect(
      asTenant(tenant, () => createProduct({ sku: ok[1].sku, name: "Duplicate", priceMinor: 1 })),
    ).rejects.toMatchObject({ status: 409 });
    expect(await counter(tenant.id, "products")).toBe(REMAINING - 1);
    await asTenant(tenant, () => createProduct({ sku: `RACE-${run}-again`, name: "Again", priceMinor: 1 }));
    expect(await counter(tenant.id, "products")).toBe(REMAINING);
  });

  it("projects: exactly 3 are created; delete releases", async () => {
    const tenant = await createTenant("professional");
    await setQuota(tenant.id, { maxProjects: REMAINING, currentProjects: 0 });
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, (_, i) => asTenant(tenant, () => createProject({ name: `Race ${i}` }))),
    );
    const { ok, errors } = settle(settled);
    expect(ok).toHaveLength(REMAINING);
    expectQuotaProblems(errors, "projects", REMAINING);
    expect(await asTenant(tenant, () => tenantTransaction((db) => db.project.count()))).toBe(REMAINING);
    await asTenant(tenant, () => deleteProject(ok[0].id));
    expect(await counter(tenant.id, "projects")).toBe(REMAINING - 1);
  });

  it("seats: 50 acceptances at once with 3 seats left → 3 members join, the counter equals the memberships", async () => {
    const tenant = await createTenant("free");
    const db = await controlDb();
    await setQuota(tenant.id, { maxUsers: REMAINING, currentUsers: 0 });
    const run = randomUUID().slice(0, 6);
    // Each "acceptance" takes a seat, then creates the membership (as lib/team does).
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, async (_, i) => {
        await consumeQuota(tenant.id, "users");
        try {
          const user = await db.user.create({ data: { email: `seat-${run}-${i}@example.test` } });
          return await db.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "member" } });
        } catch (error) {
          await releaseQuota(tenant.id, "users");
          throw error;
        }
      }),
    );
    const { ok, errors } = settle(settled);
    expect(ok).toHaveLength(REMAINING);
    expectQuotaProblems(errors, "users", REMAINING);
    const members = await db.membership.count({ where: { tenantId: tenant.id } });
    expect(members).toBe(REMAINING);
    expect(await counter(tenant.id, "users")).toBe(members);
  });

  it("reconciliation repairs drifted counters from the data, and leaves correct ones alone", async () => {
    const tenant = await createTenant("professional");
    const db = await controlDb();
    await asTenant(tenant, () => createProduct({ sku: `REC-${randomUUID().slice(0, 6)}`, name: "P", priceMinor: 1 }));
    await asTenant(tenant, () => createProject({ name: "Kept" }));
    // Drift: a crash after consuming (products +5), a membership added outside the team service,
    // a project removed by hand.
    await setQuota(tenant.id, { currentProducts: 6, currentUsers: 0, currentProjects: 1 });
    const owner = await db.user.create({ data: { email: `rec-${randomUUID().slice(0, 6)}@example.test` } });
    await db.membership.create({ data: { tenantId: tenant.id, userId: owner.id, role: "owner" } });
    await asTenant(tenant, () => tenantTransaction((tx) => tx.project.deleteMany({})));

    const results = await reconcileTenantQuotas(tenant.id);
    const byKey = Object.fromEntries(results.map((r) => [r.key, r]));
    expect(byKey.products).toMatchObject({ counter: 6, actual: 1, repaired: true });
    expect(byKey.users).toMatchObject({ counter: 0, actual: 1, repaired: true });
    expect(byKey.projects).toMatchObject({ counter: 1, actual: 0, repaired: true });
    expect(byKey.invoices).toMatchObject({ counter: 0, actual: 0, repaired: false });
    expect(await counter(tenant.id, "products")).toBe(1);
    expect(await counter(tenant.id, "users")).toBe(1);
    expect(await counter(tenant.id, "projects")).toBe(0);
    // A second run finds nothing to repair.
    expect((await reconcileTenantQuotas(tenant.id)).every((r) => !r.repaired && !r.skipped)).toBe(true);
  });
});
