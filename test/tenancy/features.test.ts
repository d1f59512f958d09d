import { describe, expect, it } from "vitest";
import { effectiveFeatures, featureStates, FEATURE_KEYS, isFeatureOn } from "@/lib/tenancy/features";
import { withDemoDatabase } from "../support/demo-database";

const NOW = new Date("2026-11-27T12:00:00Z");
const HOUR = 3_600_000;
const FREE = { basic_invoicing: true, inventory: false };

describe("feature flags", () => {
  it("a tenant has its plan's features, and only known ones", () => {
    const flags = effectiveFeatures({ ...FREE, teleportation: true }, [], NOW);
    expect(Object.keys(flags).sort()).toEqual([...FEATURE_KEYS].sort());
    expect(flags.basic_invoicing).toBe(true);
    expect(flags.inventory).toBe(false);
    expect(isFeatureOn({ features: flags }, "teleportation")).toBe(false);
  });

  it("an override enables or disables a feature while it is valid", () => {
    const overrides = [
      { featureKey: "inventory", isEnabled: true, enabledAt: new Date(NOW.getTime() - HOUR), expiresAt: null },
      { featureKey: "basic_invoicing", isEnabled: false, enabledAt: null, expiresAt: new Date(NOW.getTime() + HOUR) },
    ];
    const states = featureStates(FREE, overrides, NOW);
    expect(states.find((s) => s.key === "inventory")).toMatchObject({ enabled: true, source: "override" });
    expect(states.find((s) => s.key === "basic_invoicing")).toMatchObject({ enabled: false, source: "override" });
  });

  it("an expired override, or one not yet started, is ignored (the plan decides)", () => {
    const overrides = [
      { featureKey: "inventory", isEnabled: true, enabledAt: null, expiresAt: new Date(NOW.getTime() - 1) },
      { featureKey: "reports", isEnabled: true, enabledAt: new Date(NOW.getTime() + HOUR), expiresAt: null },
    ];
    const flags = effectiveFeatures(FREE, overrides, NOW);
    expect(flags.inventory).toBe(false);
    expect(flags.reports).toBe(false);
    // At the moment it expires it is already off.
    expect(effectiveFeatures(FREE, [{ ...overrides[0], expiresAt: NOW }], NOW).inventory).toBe(false);
  });
});

describe("feature overrides reach the workspace (PGlite, demo tenants)", () => {
  withDemoDatabase("features-test");
  const GLOBEX = "a0000000-0000-4000-8000-0000000910be";

  it("globex (Free) gets inventory from an override, loses it when the override expires", async () => {
    const { controlDb } = await import("@/lib/db/control");
    const { findActiveTenantBySlug } = await import("@/lib/tenancy/tenants");
    const { tenantFeature } = await import("@/lib/platform/tenant-features");
    const { tenantDirectory } = await import("@/lib/tenancy/directory-instance");
    const db = await controlDb();
    expect((await findActiveTenantBySlug("globex"))?.features.inventory).toBe(false);

    await db.tenantFeature.create({
      data: { tenantId: GLOBEX, featureKey: "inventory", isEnabled: true, expiresAt: new Date(Date.now() + HOUR) },
    });
    // Writers announce their change (the workspace row is kept for a moment in process).
    await tenantDirectory().invalidateTenant(GLOBEX);
    expect((await findActiveTenantBySlug("globex"))?.features.inventory).toBe(true);
    expect(await tenantFeature(GLOBEX, "inventory")).toMatchObject({ enabled: true, source: "override" });

    await db.tenantFeature.update({
      where: { tenantId_featureKey: { tenantId: GLOBEX, featureKey: "inventory" } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await tenantDirectory().invalidateTenant(GLOBEX);
    expect((await findActiveTenantBySlug("globex"))?.features.inventory).toBe(false);
    expect(await tenantFeature(GLOBEX, "inventory")).toMatchObject({
      enabled: false,
      source: "plan",
      availableFrom: "Standard",
    });
    await expect(tenantFeature(GLOBEX, "teleportation")).rejects.toThrow("Feature not found");
  });

  it("a platform admin sets and removes an override, each audited; bad input names the field", async () => {
    const { controlDb } = await import("@/lib/db/control");
    const { setFeatureOverride, removeFeatureOverride } = await import("@/lib/platform/admin-features");
    const { findActiveTenantBySlug } = await import("@/lib/tenancy/tenants");
    const db = await controlDb();
    const admin = await db.user.findUniqueOrThrow({ where: { email: "admin@logiaccounting.test" } });
    const actor = { userId: admin.id, ip: null };

    const view = await setFeatureOverride(actor, GLOBEX, "projects", {
      isEnabled: true,
      expiresAt: new Date(Date.now() + HOUR).toISOString(),
    });
    expect(view).toMatchObject({ key: "projects", enabled: true, source: "override" });
    expect((await findActiveTenantBySlug("globex"))?.features.projects).toBe(true);

    await removeFeatureOverride(actor, GLOBEX, "projects");
    expect((await findActiveTenantBySlug("globex"))?.features.projects).toBe(false);
    const actions = (
      await db.platformAuditLog.findMany({ where: { targetId: GLOBEX }, orderBy: { createdAt: "asc" } })
    ).map((row) => row.action);
    expect(actions).toEqual(["tenant.feature_overridden", "tenant.feature_override_removed"]);

    await expect(
      setFeatureOverride(actor, GLOBEX, "projects", { isEnabled: true, expiresAt: "soon" }),
    ).rejects.toMatchObject({
      issues: [{ field: "expiresAt", message: "expiresAt must be an ISO date-time" }],
    });
    await expect(setFeatureOverride(actor, GLOBEX, "teleportation", { isEnabled: true })).rejects.toThrow(
      "Feature not found",
    );
    await expect(removeFeatureOverride(actor, GLOBEX, "projects")).rejects.toThrow("Feature override not found");
  });
});
