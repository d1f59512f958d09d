import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { mainConnection } from "@/lib/db/connection";
import { controlDb } from "@/lib/db/control";
import { runInTenantContext, type IsolationLevel } from "@/lib/tenancy/context";
import { moveTenant } from "@/lib/tenancy/isolation/move";
import { schemaNameFor } from "@/lib/tenancy/isolation/strategy";
import { provisionTenant } from "@/lib/tenancy/provisioning";
import { scopedTenantClient, tenantTransaction } from "@/lib/tenancy/scoped-client";
import { describeIsolation, TENANT_A } from "../support/isolation";

/**
 * A platform admin moves a tenant between isolation levels: its data follows it, nothing of
 * it stays behind, other tenants are untouched, and an active tenant is refused (a write
 * during the copy would be lost).
 */
describeIsolation("moving a tenant between isolation levels", (db) => {
  async function snapshot(tenantId: string, level: IsolationLevel) {
    const context = {
      tenant: { id: tenantId, slug: "mover", tier: "professional", isolationLevel: level, features: {} },
      actor: { type: "system" as const, reason: "move test" },
    };
    return runInTenantContext(context, () =>
      tenantTransaction(async (scoped) => ({
        customers: (await scoped.customer.findMany({ orderBy: { id: "asc" } })).map((r) => r.name),
        products: (await scoped.product.findMany({ orderBy: { id: "asc" } })).map((r) => r.sku),
        invoices: (await scoped.invoice.findMany({ orderBy: { id: "asc" }, include: { lines: true } })).map(
          (i) => `${i.number}:${i.totalMinor}:${i.lines.length}`,
        ),
        audit: await scoped.auditEvent.count(),
      })),
    );
  }

  async function storageExists(tenantId: string, level: "schema" | "database"): Promise<boolean> {
    const connection = await mainConnection();
    const name = schemaNameFor(tenantId);
    if (level === "schema") {
      return (await connection.sql.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [name])).length > 0;
    }
    if (connection.mode === "server") {
      return (await connection.sql.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).length > 0;
    }
    return existsSync(join(connection.config.dataDir, "tenants", name));
  }

  it("carries every row shared → schema → database → shared and leaves nothing behind", async () => {
    const slug = `mover-${db.kind}`;
    const result = await provisionTenant({
      name: "Mover Ltd",
      slug,
      tier: "professional",
      ownerEmail: `owner@${slug}.test`,
      ownerPassword: "a-Long-passw0rd!",
    });
    expect(result.status).toBe("active");
    const tenantId = result.tenantId;
    const context = {
      tenant: { id: tenantId, slug, tier: "professional", isolationLevel: "shared_database" as const, features: {} },
      actor: { type: "system" as const, reason: "move test" },
    };
    const scoped = await scopedTenantClient();
    await runInTenantContext(context, async () => {
      const customer = await scoped.customer.create({ data: { name: "Moved customer" } });
      await scoped.invoice.create({
        data: {
          number: "MOVE-1",
          customerId: customer.id,
          issueDate: new Date("2026-01-01"),
          dueDate: new Date("2026-02-01"),
          totalMinor: 1234,
          lines: {
            create: [{ position: 0, description: "Work", quantity: 1, unitPriceMinor: 1234, amountMinor: 1234 }],
          },
        },
      });
    });
    const before = await snapshot(tenantId, "shared_database");
    expect(before.customers.length).toBeGreaterThan(1); // sample data + ours
    const otherBefore = await snapshot(TENANT_A.id, "shared_database");

    await expect(moveTenant(tenantId, "schema")).rejects.toMatchObject({ status: 409 });

    const control = await controlDb();
    await control.tenant.update({ where: { id: tenantId }, data: { status: "suspended" } });
    let level: IsolationLevel = "shared_database";
    for (const to of ["schema", "database", "shared_database"] as const) {
      const moved = await moveTenant(tenantId, to);
      expect(moved.rows.invoice).toBe(1);
      expect(await snapshot(tenantId, to)).toEqual(before);
      // Nothing stays where it was.
      if (level === "shared_database") {
        expect(await snapshot(tenantId, level)).toEqual({ customers: [], products: [], invoices: [], audit: 0 });
      } else {
        expect(await storageExists(tenantId, level)).toBe(false);
      }
      if (to !== "shared_database") expect(await storageExists(tenantId, to)).toBe(true);
      const row = await control.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      expect(row.isolationLevel).toBe(to);
      level = to;
    }
    expect(await snapshot(TENANT_A.id, "shared_database")).toEqual(otherBefore);
  });
});
