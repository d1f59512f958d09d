import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadMigrations, MIGRATIONS_ROOT } from "@/lib/db/migrations";
import { quoteIdent, type SqlExecutor } from "@/lib/db/sql";
import {
  migrateTenants,
  tenantVersions,
  type TenantMigrationProgress,
  type TenantMigrationTarget,
} from "@/lib/tenancy/isolation/tenant-migrations";
import { describeEachDatabase } from "@/test/support/databases";

const baseMigrations = loadMigrations("tenant");
const baseLatest = baseMigrations.at(-1)?.version as string;

/** A migrations root with copies of prisma/migrations/tenant plus 0099_add_column.sql. */
const tmpRoot = mkdtempSync(join(tmpdir(), "tenant-migrations-"));
mkdirSync(join(tmpRoot, "tenant"));
for (const file of readdirSync(join(MIGRATIONS_ROOT, "tenant")).filter((f) => f.endsWith(".sql"))) {
  copyFileSync(join(MIGRATIONS_ROOT, "tenant", file), join(tmpRoot, "tenant", file));
}
writeFileSync(join(tmpRoot, "tenant", "0099_add_column.sql"), "ALTER TABLE customers ADD COLUMN loyalty_tier text;\n");
const extendedMigrations = loadMigrations("tenant", tmpRoot);

afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

function newTargets(db: SqlExecutor, count: number): TenantMigrationTarget[] {
  return Array.from({ length: count }, () => {
    const tenantId = randomUUID();
    return { tenantId, schema: `t_${tenantId.replaceAll("-", "")}`, db };
  });
}

/** An executor that throws on the migration file containing `marker` (inside its transaction). */
function crashingOn(db: SqlExecutor, marker: string): SqlExecutor {
  const wrap = (inner: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => inner.query(sql, params),
    exec: async (sql) => {
      if (sql.includes(marker)) throw new Error("simulated crash");
      await inner.exec(sql);
    },
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(db);
}

/** An executor whose every call fails (a tenant database that is down). */
const unreachable: SqlExecutor = {
  query: async () => {
    throw new Error("connection refused");
  },
  exec: async () => {
    throw new Error("connection refused");
  },
  transaction: async () => {
    throw new Error("connection refused");
  },
};

/** Counts statements in flight per target to observe the concurrency bound. */
function counting(targets: TenantMigrationTarget[]) {
  const stats = { inFlight: 0, peak: 0 };
  const wrapped = targets.map((target) => {
    let active = 0;
    const enter = () => {
      if (active++ === 0) {
        stats.inFlight += 1;
        stats.peak = Math.max(stats.peak, stats.inFlight);
      }
    };
    const leave = () => {
      if (--active === 0) stats.inFlight -= 1;
    };
    const track = <T>(run: () => Promise<T>): Promise<T> => {
      enter();
      return run().finally(leave);
    };
    const db: SqlExecutor = {
      query: (sql, params) => track(() => target.db.query(sql, params)),
      exec: (sql) => track(() => target.db.exec(sql)),
      transaction: (fn) => track(() => target.db.transaction(fn)),
    };
    return { ...target, db };
  });
  return { stats, targets: wrapped };
}

async function hasColumn(db: SqlExecutor, schema: string, table: string, column: string): Promise<boolean> {
  const rows = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3) AS found`,
    [schema, table, column],
  );
  return rows[0]?.found === true;
}

describeEachDatabase("migrateTenants", (db) => {
  it("migrates 20 tenant schemas to the latest version, then a new migration to all of them", async () => {
    const targets = newTargets(db().sql, 20);
    const events: TenantMigrationProgress[] = [];
    const first = await migrateTenants(targets, { concurrency: 4, onProgress: (e) => events.push(e) });
    expect(first.ok).toBe(true);
    expect(first.migrated).toBe(20);
    expect(first.latest).toBe(baseLatest);
    for (const result of first.results) {
      expect(result.status).toBe("migrated");
      expect(result.applied).toEqual(baseMigrations.map((m) => m.version));
      expect(result.version).toBe(baseLatest);
    }
    expect(events.filter((e) => e.phase === "done")).toHaveLength(20);
    expect(events.at(-1)?.completed).toBe(20);

    const versions = await tenantVersions(targets);
    expect(versions.every((v) => v.version === baseLatest && v.pending.length === 0)).toBe(true);
    // Tables landed in each tenant's schema.
    const [{ n }] = await db().sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${quoteIdent(targets[0].schema)}.customers`,
    );
    expect(n).toBe(0);

    // Re-run: nothing to do.
    const again = await migrateTenants(targets, { concurrency: 4 });
    expect(again.ok).toBe(true);
    expect(again.results.every((r) => r.applied.length === 0 && r.version === baseLatest)).toBe(true);

    // A new migration reaches every tenant.
    const pending = await tenantVersions(targets, { migrations: extendedMigrations });
    expect(pending.every((v) => v.pending.length === 1 && v.pending[0] === "0099")).toBe(true);
    const second = await migrateTenants(targets, { concurrency: 5, migrations: extendedMigrations });
    expect(second.ok).toBe(true);
    expect(second.latest).toBe("0099");
    expect(second.results.every((r) => r.applied.length === 1 && r.applied[0] === "0099")).toBe(true);
    const after = await tenantVersions(targets, { migrations: extendedMigrations });
    expect(after.every((v) => v.version === "0099" && v.pending.length === 0)).toBe(true);
    for (const target of targets.slice(0, 3)) {
      expect(await hasColumn(db().sql, target.schema, "customers", "loyalty_tier")).toBe(true);
    }
  });

  it("a crash mid-way leaves the others done, and a re-run completes", async () => {
    const targets = newTargets(db().sql, 20);
    const secondFile = baseMigrations[1];
    // Target 5 crashes in its second file (after the first committed); target 12 is unreachable.
    const marker = secondFile.sql.slice(0, 200);
    const broken = targets.map((t, i) =>
      i === 5 ? { ...t, db: crashingOn(t.db, marker) } : i === 12 ? { ...t, db: unreachable } : t,
    );
    const first = await migrateTenants(broken, { concurrency: 4 });
    expect(first.ok).toBe(false);
    expect(first.failed).toBe(2);
    expect(first.migrated).toBe(18);
    expect(first.results[5]).toMatchObject({ status: "failed", version: baseMigrations[0].version });
    expect(first.results[5].error?.message).toContain("simulated crash");
    expect(first.results[12]).toMatchObject({ status: "failed", version: null });
    const mid = await tenantVersions(targets);
    expect(mid[5].pending).toEqual([secondFile.version]);
    expect(mid[12].pending).toEqual(baseMigrations.map((m) => m.version));
    expect(mid.filter((v) => v.pending.length === 0)).toHaveLength(18);

    // Re-run with healthy connections: only what is missing is applied.
    const rerun = await migrateTenants(targets, { concurrency: 4 });
    expect(rerun.ok).toBe(true);
    expect(rerun.results[5].applied).toEqual([secondFile.version]);
    expect(rerun.results[12].applied).toEqual(baseMigrations.map((m) => m.version));
    expect(rerun.results.filter((r) => r.applied.length === 0)).toHaveLength(18);
    expect((await tenantVersions(targets)).every((v) => v.version === baseLatest)).toBe(true);
  });

  it("runs the canary first and stops everything when it fails", async () => {
    const targets = newTargets(db().sql, 6);
    const canary = targets[3].tenantId;
    const order: string[] = [];
    const failing = targets.map((t, i) => (i === 3 ? { ...t, db: unreachable } : t));
    const report = await migrateTenants(failing, {
      concurrency: 3,
      canary,
      onProgress: (e) => {
        if (e.phase === "start") order.push(e.tenantId);
      },
    });
    expect(order).toEqual([canary]);
    expect(report.canaryFailed).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.failed).toBe(1);
    expect(report.skipped).toBe(5);
    expect(report.results[3].status).toBe("failed");
    const versions = await tenantVersions(targets);
    expect(versions.every((v) => v.versions.length === 0)).toBe(true);

    // A healthy canary goes first, alone, then the rest follow.
    order.length = 0;
    const ok = await migrateTenants(targets, {
      concurrency: 3,
      canary,
      onProgress: (e) => {
        if (e.phase === "start" || e.phase === "done") order.push(`${e.phase}:${e.tenantId}`);
      },
    });
    expect(ok.ok).toBe(true);
    expect(order.slice(0, 2)).toEqual([`start:${canary}`, `done:${canary}`]);
    expect(order.filter((e) => e.startsWith("done:"))).toHaveLength(6);
  });

  it("respects the concurrency bound", async () => {
    const { stats, targets } = counting(newTargets(db().sql, 12));
    // Targets between their "start" and their "done"/"failed" event.
    let running = 0;
    let peakRunning = 0;
    const report = await migrateTenants(targets, {
      concurrency: 3,
      onProgress: (e) => {
        if (e.phase === "start") peakRunning = Math.max(peakRunning, ++running);
        else running -= 1;
      },
    });
    expect(report.ok).toBe(true);
    expect(peakRunning).toBe(3);
    expect(running).toBe(0);
    // Statements in flight never span more than 3 targets either.
    expect(stats.peak).toBeLessThanOrEqual(3);
    expect(stats.peak).toBeGreaterThanOrEqual(1);
    expect(stats.inFlight).toBe(0);
  });

  it("rejects bad options", async () => {
    const targets = newTargets(db().sql, 2);
    await expect(migrateTenants(targets, { concurrency: 0 })).rejects.toThrow(RangeError);
    await expect(migrateTenants(targets, { concurrency: 1, canary: "nobody" })).rejects.toThrow(/Canary/);
    await expect(migrateTenants([targets[0], targets[0]], { concurrency: 1 })).rejects.toThrow(/Duplicate/);
  });
});
