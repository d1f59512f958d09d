import { expect, it } from "vitest";
import { checksum, loadMigrations, type Migration } from "@/lib/db/migrations";
import { Prisma } from "@/lib/generated/tenant/client";
import { migrateTenantPlanes } from "@/lib/tenancy/isolation/planes";
import type { TenantMigrationProgress } from "@/lib/tenancy/isolation/tenant-migrations";
import { describeIsolation } from "../support/isolation";
import { planeSchema, provisionAtLevel, qualified, withPlane, type LevelTenant } from "../support/levels";

/**
 * A new tenant-plane migration reaches every schema- and database-level tenant through
 * migrateTenantPlanes: canary first, then the rest; a failing canary stops the fleet; each
 * tenant's version is read back from its own schema_migrations. The migration is passed as
 * a list (the files under prisma/migrations/tenant plus one more), as an operator's new file
 * would be.
 */

const base = loadMigrations("tenant");
const baseLatest = base.at(-1)!.version;
const nextVersion = String(Number(baseLatest) + 1).padStart(baseLatest.length, "0");

function withExtra(name: string, sql: string): Migration[] {
  return [...base, { version: nextVersion, name, sql, checksum: checksum(sql) }];
}

const GOOD = withExtra("loyalty_tier", "ALTER TABLE customers ADD COLUMN loyalty_tier text;\n");
const BROKEN = withExtra("loyalty_tier", "ALTER TABLE customers ADD COLUMN loyalty_tier no_such_type;\n");

async function versionsOf(t: LevelTenant): Promise<string[]> {
  const rows = await withPlane(t, (plain) =>
    plain.$queryRaw<{ version: string }[]>(
      Prisma.sql`SELECT version FROM ${qualified(t, "schema_migrations")} WHERE plane = 'tenant' ORDER BY version`,
    ),
  );
  return rows.map((r) => r.version);
}

async function appliedAt(t: LevelTenant, version: string): Promise<Date> {
  const rows = await withPlane(t, (plain) =>
    plain.$queryRaw<{ at: Date }[]>(
      Prisma.sql`SELECT applied_at AS at FROM ${qualified(t, "schema_migrations")} WHERE plane = 'tenant' AND version = ${version}`,
    ),
  );
  return rows[0].at;
}

async function hasLoyaltyTier(t: LevelTenant): Promise<boolean> {
  const rows = await withPlane(
    t,
    (plain) =>
      plain.$queryRaw<{ found: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM information_schema.columns
                      WHERE table_schema = ${planeSchema(t)} AND table_name = 'customers' AND column_name = 'loyalty_tier') AS found`,
  );
  return rows[0].found;
}

describeIsolation("a new tenant migration at every schema and database tenant", (database) => {
  const tenants: LevelTenant[] = [];
  let shared: LevelTenant;

  const prepare = async () => {
    if (tenants.length) return;
    // Embedded mode opens a PGlite instance per database tenant: two of them.
    for (const [level, n] of [
      ["schema", 3],
      ["database", 2],
    ] as const) {
      for (let i = 1; i <= n; i++) tenants.push(await provisionAtLevel(level, `mig-${level}${i}`));
    }
    shared = await provisionAtLevel("shared_database", "mig-shared");
  };

  const planeTenants = () => [...tenants, shared].map((t) => ({ id: t.id, isolationLevel: t.level }));

  it("new tenants are provisioned at the current version", async () => {
    await prepare();
    for (const t of tenants) expect(await versionsOf(t), t.slug).toEqual(base.map((m) => m.version));
    const report = await migrateTenantPlanes(planeTenants());
    expect(report.ok).toBe(true);
    // The shared tables migrate with the main database: the fleet holds schema and database tenants only.
    expect(report.results.map((r) => r.tenantId).sort()).toEqual(tenants.map((t) => t.id).sort());
    expect(report.results.every((r) => r.applied.length === 0 && r.version === baseLatest)).toBe(true);
  }, 300_000);

  it("a failing canary stops the fleet: no other tenant is touched", async () => {
    await prepare();
    const canary = tenants[1];
    const started: string[] = [];
    const report = await migrateTenantPlanes(planeTenants(), {
      migrations: BROKEN,
      canary: canary.id,
      onProgress: (e) => {
        if (e.phase === "start") started.push(e.tenantId);
      },
    });
    expect(report.canaryFailed).toBe(true);
    expect(started).toEqual([canary.id]);
    expect(report.failed).toBe(1);
    expect(report.skipped).toBe(tenants.length - 1);
    expect(report.results.find((r) => r.tenantId === canary.id)?.error?.message).toMatch(/no_such_type/);
    for (const t of tenants) {
      expect(await versionsOf(t), t.slug).toEqual(base.map((m) => m.version));
      expect(await hasLoyaltyTier(t)).toBe(false);
    }
  });

  it(`migration ${nextVersion} reaches every schema and database tenant, canary first`, async () => {
    await prepare();
    const canary = tenants.find((t) => t.level === "database")!;
    const events: TenantMigrationProgress[] = [];
    const report = await migrateTenantPlanes(planeTenants(), {
      migrations: GOOD,
      canary: canary.id,
      concurrency: 3,
      onProgress: (e) => events.push(e),
    });
    expect(report.ok).toBe(true);
    expect(report.latest).toBe(nextVersion);
    expect(report.migrated).toBe(tenants.length);
    for (const result of report.results) {
      expect(result, result.tenantId).toMatchObject({
        status: "migrated",
        applied: [nextVersion],
        version: nextVersion,
      });
    }
    // Canary first: it starts and finishes before any other tenant starts.
    const order = events.filter((e) => e.phase !== "skipped").map((e) => `${e.phase}:${e.tenantId}`);
    expect(order.slice(0, 2)).toEqual([`start:${canary.id}`, `done:${canary.id}`]);
    expect(events.filter((e) => e.canary).map((e) => e.tenantId)).toEqual([canary.id, canary.id]);

    // Every tenant's own schema_migrations says so, and the column is there.
    const canaryAt = await appliedAt(canary, nextVersion);
    for (const t of tenants) {
      expect(await versionsOf(t), t.slug).toEqual([...base.map((m) => m.version), nextVersion]);
      expect(await hasLoyaltyTier(t), t.slug).toBe(true);
      if (t !== canary) expect((await appliedAt(t, nextVersion)).getTime()).toBeGreaterThanOrEqual(canaryAt.getTime());
    }
    // The shared tables were not part of this fleet.
    expect(await hasLoyaltyTier(shared)).toBe(false);

    // Run again: every tenant is at the new version already.
    const again = await migrateTenantPlanes(planeTenants(), { migrations: GOOD });
    expect(again.ok).toBe(true);
    expect(again.results.every((r) => r.applied.length === 0 && r.version === nextVersion)).toBe(true);
    console.log(
      `tenant migrations [${database.kind}]: ${nextVersion} applied to ${report.migrated} tenants ` +
        `(${tenants.filter((t) => t.level === "schema").length} schema, ${tenants.filter((t) => t.level === "database").length} database), canary ${canary.slug} first`,
    );
  });
});
