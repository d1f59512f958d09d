import { afterEach, describe, expect, it, vi } from "vitest";
import { withDemoDatabase } from "../support/demo-database";

/**
 * The two per-request lookups kept for a moment in process — a workspace's row (with
 * settings, plan and overrides: lib/tenancy/tenants.ts) and an API key's row
 * (lib/auth/api-keys.ts) — must never let a change through late in the process that made
 * it: a suspension, a settings change, an override, a revocation take effect on the next
 * call. A write made without telling the caches (another process, hand-run SQL) shows
 * within their TTL. PGlite with the demo tenants.
 */

const GLOBEX = "a0000000-0000-4000-8000-0000000910be";
const database = withDemoDatabase("request-caches-test");

afterEach(() => {
  vi.useRealTimers();
});

async function modules() {
  const { controlDb } = await import("@/lib/db/control");
  const tenants = await import("@/lib/tenancy/tenants");
  const keys = await import("@/lib/auth/api-keys");
  const { tenantDirectory } = await import("@/lib/tenancy/directory-instance");
  const admin = await import("@/lib/platform/admin-tenants");
  const settings = await import("@/lib/settings/settings");
  const db = await controlDb();
  const platformAdmin = await db.user.findUniqueOrThrow({ where: { email: "admin@logiaccounting.test" } });
  return { db, tenants, keys, tenantDirectory, admin, settings, actor: { userId: platformAdmin.id, ip: null } };
}

describe("the workspace row kept for a moment", () => {
  it("a suspension through the platform admin takes effect on the very next call", async () => {
    const { tenants, admin, actor } = await modules();
    expect(await tenants.findActiveTenantBySlug("globex")).toMatchObject({ id: GLOBEX, status: "active" });
    await admin.suspendTenant(actor, GLOBEX, { reason: "cache attack" });
    expect(await tenants.findActiveTenantBySlug("globex")).toBeNull();
    await admin.activateTenant(actor, GLOBEX);
    expect(await tenants.findActiveTenantBySlug("globex")).toMatchObject({ id: GLOBEX, status: "active" });
  });

  it("a settings change shows on the next call (branding, locale)", async () => {
    const { tenants, settings, db } = await modules();
    const { runInTenantContext } = await import("@/lib/tenancy/context");
    const before = (await tenants.findActiveTenantBySlug("globex"))!;
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const asOwner = <T>(fn: () => Promise<T>) =>
      runInTenantContext(
        {
          tenant: {
            id: GLOBEX,
            slug: "globex",
            tier: before.tier,
            isolationLevel: "shared_database",
            features: before.features,
          },
          actor: { type: "user", userId: owner.userId, role: "owner" },
        },
        fn,
      );
    await asOwner(() => settings.updateBrandingSettings({ primaryColor: "#123456" }));
    expect((await tenants.findActiveTenantBySlug("globex"))?.branding.primaryColor).toBe("#123456");
    await asOwner(() => settings.updateGeneralSettings({ currency: "EUR" }));
    expect((await tenants.findActiveTenantBySlug("globex"))?.locale.currency).toBe("EUR");
  });

  it("an override starts and expires on time even while the row is reused", async () => {
    const { db, tenants, tenantDirectory } = await modules();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    await db.tenantFeature.create({
      data: { tenantId: GLOBEX, featureKey: "reports", isEnabled: true, expiresAt: new Date(start + 500) },
    });
    await tenantDirectory().invalidateTenant(GLOBEX);
    expect((await tenants.findActiveTenantBySlug("globex"))?.features.reports).toBe(true);
    vi.setSystemTime(start + 600); // within the row's TTL: the same row, evaluated now
    expect((await tenants.findActiveTenantBySlug("globex"))?.features.reports).toBe(false);
    await db.tenantFeature.delete({ where: { tenantId_featureKey: { tenantId: GLOBEX, featureKey: "reports" } } });
    await tenantDirectory().invalidateTenant(GLOBEX);
  });

  it("is reused for a moment: a write nobody announced (another process, hand-run SQL) shows within the TTL", async () => {
    const { db, tenants } = await modules();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    tenants.forgetTenantSummaries();
    expect(await tenants.findActiveTenantBySlug("globex")).not.toBeNull();
    await db.tenant.update({ where: { id: GLOBEX }, data: { status: "suspended" } });
    try {
      // Within the TTL the row read a moment ago answers (that is the saving: no query per call)…
      vi.setSystemTime(start + tenants.TENANT_SUMMARY_TTL_MS - 1);
      expect(await tenants.findActiveTenantBySlug("globex")).not.toBeNull();
      // …and at its end the database does.
      vi.setSystemTime(start + tenants.TENANT_SUMMARY_TTL_MS);
      expect(await tenants.findActiveTenantBySlug("globex")).toBeNull();
    } finally {
      await db.tenant.update({ where: { id: GLOBEX }, data: { status: "active" } });
      tenants.forgetTenantSummaries();
    }
  });

  it("unknown workspaces are not kept: one created a moment later is found at once", async () => {
    const { db, tenants } = await modules();
    expect(await tenants.findActiveTenantBySlug("globex")).not.toBeNull();
    await db.tenant.update({ where: { id: GLOBEX }, data: { slug: "globex-renamed" } });
    try {
      tenants.forgetTenantSummaries();
      expect(await tenants.findActiveTenantBySlug("globex")).toBeNull();
      await db.tenant.update({ where: { id: GLOBEX }, data: { slug: "globex" } });
      expect(await tenants.findActiveTenantBySlug("globex")).toMatchObject({ id: GLOBEX });
    } finally {
      await db.tenant.update({ where: { id: GLOBEX }, data: { slug: "globex" } });
      tenants.forgetTenantSummaries();
    }
  });
});

describe("the API key row kept for a moment", () => {
  it("a revoked key is refused on the very next call", async () => {
    const { db, keys } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const key = await keys.createApiKey({ tenantId: GLOBEX, name: "cache attack", createdById: owner.userId });
    expect(await keys.verifyApiKey(key.secret)).toMatchObject({ id: key.id, tenantId: GLOBEX });
    expect(await keys.verifyApiKey(key.secret)).toMatchObject({ id: key.id });
    expect(await keys.revokeApiKey(GLOBEX, key.id)).toBe(true);
    expect(await keys.verifyApiKey(key.secret)).toBeNull();
  });

  it("a revocation that lands while a check is reading the key is not undone by that read", async () => {
    const { db, keys } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const key = await keys.createApiKey({ tenantId: GLOBEX, name: "race", createdById: owner.userId });
    keys.forgetApiKeys();
    // The check reads the row, then the revocation commits and clears, then the read returns.
    const original = db.apiKey.findUnique.bind(db.apiKey);
    let revoke: Promise<boolean> | null = null;
    const spy = vi.spyOn(db.apiKey, "findUnique").mockImplementationOnce(((args: Parameters<typeof original>[0]) => {
      const read = original(args);
      return read.then(async (row) => {
        revoke = keys.revokeApiKey(GLOBEX, key.id);
        await revoke;
        return row;
      });
    }) as unknown as typeof db.apiKey.findUnique);
    try {
      // That one check saw the key before it was revoked; the next one must not reuse it.
      expect(await keys.verifyApiKey(key.secret)).toMatchObject({ id: key.id });
      expect(await revoke).toBe(true);
      expect(await keys.verifyApiKey(key.secret)).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });

  it("an expiry is checked on every call, and a key revoked elsewhere stops within the TTL", async () => {
    const { db, keys } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const expiring = await keys.createApiKey({ tenantId: GLOBEX, name: "expiring", createdById: owner.userId });
    await db.apiKey.update({ where: { id: expiring.id }, data: { expiresAt: new Date(start + 300) } });
    expect(await keys.verifyApiKey(expiring.secret)).not.toBeNull();
    vi.setSystemTime(start + 300);
    expect(await keys.verifyApiKey(expiring.secret)).toBeNull();

    const other = await keys.createApiKey({ tenantId: GLOBEX, name: "elsewhere", createdById: owner.userId });
    expect(await keys.verifyApiKey(other.secret)).not.toBeNull();
    // Another server process revokes it: this one learns at the TTL's end.
    await db.apiKey.update({ where: { id: other.id }, data: { revokedAt: new Date() } });
    vi.setSystemTime(start + 300 + keys.API_KEY_CACHE_TTL_MS);
    expect(await keys.verifyApiKey(other.secret)).toBeNull();
  });

  it("unknown keys are not kept: a key that appears a moment later works at once", async () => {
    const { keys, db } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const secret = `lak_abcdefgh_${"x".repeat(43)}`;
    expect(await keys.verifyApiKey(secret)).toBeNull();
    await db.apiKey.create({
      data: {
        tenantId: GLOBEX,
        name: "late",
        prefix: "lak_abcdefgh",
        keyHash: keys.hashApiKey(secret),
        createdById: owner.userId,
      },
    });
    expect(await keys.verifyApiKey(secret)).toMatchObject({ tenantId: GLOBEX });
  });

  it("the last-used time is still written at most once a minute per key", async () => {
    const { db, keys } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const key = await keys.createApiKey({ tenantId: GLOBEX, name: "last used", createdById: owner.userId });
    const start = Date.now();
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const lastUsed = async () => (await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt?.getTime();
    await keys.verifyApiKey(key.secret);
    expect(await lastUsed()).toBe(start);
    vi.setSystemTime(start + 500); // the kept row
    await keys.verifyApiKey(key.secret);
    vi.setSystemTime(start + 30_000); // read again from the database
    await keys.verifyApiKey(key.secret);
    expect(await lastUsed()).toBe(start);
    vi.setSystemTime(start + 61_000);
    await keys.verifyApiKey(key.secret);
    expect(await lastUsed()).toBe(start + 61_000);
  });
});

describe("another database", () => {
  it("rows kept from the previous database are not served after resetDatabaseClients", async () => {
    const { db, tenants, keys } = await modules();
    const owner = await db.membership.findFirstOrThrow({ where: { tenantId: GLOBEX, role: "owner" } });
    const key = await keys.createApiKey({ tenantId: GLOBEX, name: "old database", createdById: owner.userId });
    // The clock stands still: opening the new database takes longer than the rows' TTL.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await db.tenant.update({ where: { id: GLOBEX }, data: { name: "Globex of the old database" } });
    tenants.forgetTenantSummaries();
    expect((await tenants.findActiveTenantBySlug("globex"))?.name).toBe("Globex of the old database");
    expect(await keys.verifyApiKey(key.secret)).not.toBeNull();

    await database.moveToNewDatabase();
    // Same demo ids in the new database, within the TTL: what answers must be the new database.
    expect((await tenants.findActiveTenantBySlug("globex"))?.name).not.toBe("Globex of the old database");
    expect(await keys.verifyApiKey(key.secret)).toBeNull();
  });
});
