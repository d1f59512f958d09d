import { expect, it } from "vitest";
import { connectionGauges } from "@/lib/platform/connection-gauges";
import { provisionTenantPlane } from "@/lib/tenancy/isolation/planes";
import { scopedTenantClient } from "@/lib/tenancy/scoped-client";
import { runInTenantContext } from "@/lib/tenancy/context";
import { randomUUID } from "node:crypto";
import { describeIsolation } from "../support/isolation";

/** What GET /api/v1/admin/connections reports: the main pool and the per-tenant planes. */
describeIsolation("connection gauges", (db) => {
  it("count the schema clients and database pools a tenant's queries open", async () => {
    const before = await connectionGauges();
    expect(before.main.mode).toBe(db.kind === "postgres" ? "server" : "embedded");

    const schemaTenant = { id: randomUUID(), isolationLevel: "schema" as const };
    const databaseTenant = { id: randomUUID(), isolationLevel: "database" as const };
    await provisionTenantPlane(schemaTenant);
    await provisionTenantPlane(databaseTenant);
    const scoped = await scopedTenantClient();
    for (const tenant of [schemaTenant, databaseTenant]) {
      const context = {
        tenant: { ...tenant, slug: `g-${tenant.id.slice(0, 6)}`, tier: "business", features: {} },
        actor: { type: "system" as const, reason: "gauges test" },
      };
      await runInTenantContext(context, () => scoped.customer.create({ data: { name: "Gauge Ltd" } }));
      const rows = await runInTenantContext(context, () => scoped.customer.findMany({}));
      expect(rows.map((r) => [r.name, r.tenantId])).toEqual([["Gauge Ltd", tenant.id]]);
    }

    const after = await connectionGauges();
    expect(after.tenants.schemaClients.open).toBe(before.tenants.schemaClients.open + 1);
    expect(after.tenants.databases.openHandles).toBe(before.tenants.databases.openHandles + 1);
    expect(after.tenants.databases.connections).toBeLessThanOrEqual(after.tenants.databases.budget);
    expect(after.process.rssBytes).toBeGreaterThan(0);
  });

  it("report the request gate's counters when server.mjs runs one, and say so when none runs", async () => {
    const { installRequestGate, REQUEST_GATE } = await import("@/lib/rate-limit/request-gate");
    const holder = globalThis as Record<symbol, unknown>;
    const installed = holder[REQUEST_GATE];
    delete holder[REQUEST_GATE];
    try {
      expect((await connectionGauges()).requestGate).toBeNull();
      installRequestGate();
      expect((await connectionGauges()).requestGate).toEqual({ inProgress: 0, yielding: 0, waiting: 0, paused: 0 });
    } finally {
      holder[REQUEST_GATE] = installed;
    }
  });
});
