import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { scopedTenantClient, tenantTransaction } from "@/lib/tenancy/scoped-client";
import { DEMO_TENANTS } from "@/lib/tenancy/demo-data";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import { asTenant, createFixture, describeIsolation, foreignTrace } from "../support/isolation";

/**
 * 200 interleaved units of work of 10 tenants at once through the scoped client: each
 * result must contain only its own tenant's rows. Half the units run in one
 * tenantTransaction; the other half make bare model calls (each opens its own
 * transaction), including same-tick findUnique calls of different tenants, which Prisma
 * may batch into one query (the per-statement leak reproduced in TOOLCHAIN.md).
 */

const TENANTS = 10;
const UNITS = 200;

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeIsolation("200 interleaved units of work of 10 tenants", (database) => {
  let failures: string[] = ["did not run"];
  it("every unit of work sees only its own tenant's rows", async () => {
    const plain: TenantPlaneClient = await database.plain();
    const tenants = [
      ...DEMO_TENANTS.map((t) => t.id),
      ...Array.from({ length: TENANTS - DEMO_TENANTS.length }, () => randomUUID()),
    ];
    const own = new Map<string, { customers: Set<string>; invoices: Set<string>; customerId: string }>();
    for (const tenantId of tenants) {
      // Two fixtures per tenant, so every tenant has rows of every model.
      const f1 = await createFixture(plain, tenantId);
      await createFixture(plain, tenantId);
      const customers = await plain.customer.findMany({ where: { tenantId }, select: { id: true } });
      const invoices = await plain.invoice.findMany({ where: { tenantId }, select: { id: true } });
      own.set(tenantId, {
        customers: new Set(customers.map((c) => c.id)),
        invoices: new Set(invoices.map((i) => i.id)),
        customerId: f1.customer,
      });
    }
    const allCustomerIds = new Set([...own.values()].flatMap((o) => [...o.customers]));
    const scoped = await scopedTenantClient();

    const settled = await Promise.allSettled(
      Array.from({ length: UNITS }, (_, i) => {
        const tenantId = tenants[i % TENANTS];
        const mine = own.get(tenantId)!;
        // Every unit also asks for another tenant's customer by its full key.
        const victim = own.get(tenants[(i + 1) % TENANTS])!;
        return asTenant(tenantId, async () => {
          await tick(i % 3);
          const queries = (db: typeof scoped) =>
            [
              () => db.customer.findMany({ orderBy: { name: "asc" } }),
              () =>
                db.invoice.findMany({
                  include: { lines: true, customer: true },
                  take: 20,
                  orderBy: { createdAt: "desc" },
                }),
              () => db.customer.findUnique({ where: { tenantId_id: { tenantId, id: mine.customerId } } }),
              () =>
                db.customer.findUnique({
                  where: { tenantId_id: { tenantId: tenants[(i + 1) % TENANTS], id: victim.customerId } },
                }),
              () => db.invoiceLine.count(),
            ] as const;
          const unit = async (db: typeof scoped, parallel: boolean) => {
            const q = queries(db);
            // Inside one transaction the five queries run at once; bare calls (one
            // transaction each) run one after the other, as a request handler would await them.
            const [customers, invoices, own1, foreign1, count] = parallel
              ? await Promise.all([q[0](), q[1](), q[2](), q[3](), q[4]()])
              : [await q[0](), await q[1](), await q[2](), await q[3](), await q[4]()];
            await tick(i % 2);
            const created = await db.auditEvent.create({
              data: { actorType: "system", action: "concurrency", entityType: "test" },
            });
            return { customers, invoices, own1, foreign1, count, created };
          };
          const result = i % 2 === 0 ? await tenantTransaction((db) => unit(db, true)) : await unit(scoped, false);
          return { tenantId, i, result };
        });
      }),
    );

    // allSettled: a failed unit must not leave transactions running into the next suite.
    failures = settled
      .map((s, i) => (s.status === "rejected" ? `unit ${i}: ${String(s.reason).split("\n").slice(-1)[0]}` : null))
      .filter((f): f is string => f !== null);
    const results = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    let checked = 0;
    for (const { tenantId, i, result } of results) {
      const mine = own.get(tenantId)!;
      const foreign = new Set([...allCustomerIds].filter((id) => !mine.customers.has(id)));
      expect(foreignTrace(result, tenantId, foreign), `unit ${i} of ${tenantId}`).toBeNull();
      expect(new Set(result.customers.map((c) => c.id)), `unit ${i}`).toEqual(mine.customers);
      expect(result.invoices.every((inv) => mine.invoices.has(inv.id))).toBe(true);
      expect(result.own1?.id).toBe(mine.customerId);
      expect(result.foreign1).toBeNull();
      expect(result.created.tenantId).toBe(tenantId);
      checked++;
    }
    // Every audit event landed in its own tenant, one per completed unit.
    for (const tenantId of tenants) {
      const completed = results.filter((r) => r.tenantId === tenantId).length;
      expect(await plain.auditEvent.count({ where: { tenantId, action: "concurrency" } })).toBe(completed);
    }
    console.log(
      `attack suite [${database.kind}] concurrency: ${UNITS} units of ${TENANTS} tenants, ${checked} checked, 0 leaks` +
        (failures.length ? `, ${failures.length} units failed to run` : ""),
    );
  });

  it("all 200 units complete (none times out waiting for a connection)", () => {
    // On PGlite (one connection) bare model calls wait for a transaction with Prisma's
    // default maxWait of 2 s unless scoped-client.ts passes a longer one.
    expect(failures.slice(0, 3), `${failures.length} of ${UNITS} units failed`).toEqual([]);
  });
});
