import { expect, it } from "vitest";
import { scopedTenantClient } from "@/lib/tenancy/scoped-client";
import { asTenant, createFixture, describeIsolation, TENANT_A, TENANT_B } from "../support/isolation";

/**
 * `tenantId` in a result shape — select, omit, orderBy, groupBy's `by`, aggregates — names a
 * field, not a filter: the scoped client must leave it alone (and still scope the filters of
 * nested relations inside those shapes).
 */
describeIsolation("tenantId in select, omit, orderBy and aggregates", (db) => {
  it("is a field to select, omit, sort and group by, and nested relation filters stay scoped", async () => {
    const plain = await db.plain();
    const a = await createFixture(plain, TENANT_A.id);
    const b = await createFixture(plain, TENANT_B.id);
    const scoped = await scopedTenantClient();
    await asTenant(TENANT_A.id, async () => {
      const selected = await scoped.customer.findMany({ select: { tenantId: true, id: true } });
      expect(selected.length).toBeGreaterThan(0);
      expect(new Set(selected.map((r) => r.tenantId))).toEqual(new Set([TENANT_A.id]));

      const omitted = await scoped.customer.findFirst({ where: { id: a.customer }, omit: { tenantId: true } });
      expect(omitted).not.toHaveProperty("tenantId");

      const sorted = await scoped.invoice.findMany({ orderBy: [{ tenantId: "asc" }, { id: "asc" }], take: 5 });
      expect(sorted.every((r) => r.tenantId === TENANT_A.id)).toBe(true);

      const grouped = await scoped.customer.groupBy({ by: ["tenantId"], _count: { _all: true } });
      expect(grouped.map((g) => g.tenantId)).toEqual([TENANT_A.id]);

      const counted = await scoped.customer.aggregate({ _count: { tenantId: true } });
      expect(counted._count.tenantId).toBe(selected.length);

      // Inside a shape, a relation filter naming B is still forced to A.
      const withLines = await scoped.invoice.findFirst({
        where: { id: a.invoice },
        select: {
          tenantId: true,
          lines: { where: { tenantId: TENANT_B.id }, select: { tenantId: true, invoiceId: true } },
          _count: { select: { lines: { where: { tenantId: TENANT_B.id } } } },
        },
      });
      expect(withLines?.tenantId).toBe(TENANT_A.id);
      expect(withLines?.lines.every((l) => l.tenantId === TENANT_A.id && l.invoiceId === a.invoice)).toBe(true);
      expect(withLines?.lines.length).toBe(withLines?._count.lines);
      // B's invoice stays invisible whatever the shape.
      expect(await scoped.invoice.findFirst({ where: { id: b.invoice }, select: { tenantId: true } })).toBeNull();
    });
  });
});
