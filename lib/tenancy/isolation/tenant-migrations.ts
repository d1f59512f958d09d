import { appliedVersions, loadMigrations, migrate, type Migration } from "@/lib/db/migrations";
import type { SqlExecutor } from "@/lib/db/sql";

/**
 * Fleet migrations for the tenant plane (DESIGN.md "Isolation levels" → Migrations): applies
 * prisma/migrations/tenant/*.sql to many targets (tenant schemas `t_<id>` in the main database,
 * tenant databases), optionally one canary tenant first, then the rest in parallel with a bound.
 *
 * Resumable by construction: the runner (lib/db/migrations.ts) records applied versions per
 * target and takes an advisory lock per (plane, schema), so a re-run after a crash applies only
 * what each target is missing, and two fleets started at once apply each file once per target.
 * One target's failure does not stop the others (except the canary's, which stops everything).
 */

export interface TenantMigrationTarget {
  tenantId: string;
  /** Schema holding the tenant's tables and schema_migrations ("public" in a tenant database). */
  schema: string;
  db: SqlExecutor;
}

export type TenantMigrationStatus = "migrated" | "failed" | "skipped";

export interface TenantMigrationResult {
  tenantId: string;
  schema: string;
  status: TenantMigrationStatus;
  /** Versions applied by this run (empty when the target was already up to date). */
  applied: string[];
  /** The target's latest applied version after the run (null if none or unreadable). */
  version: string | null;
  error?: Error;
}

export interface TenantMigrationProgress {
  tenantId: string;
  phase: "start" | "done" | "failed" | "skipped";
  /** Targets finished (any status) so far, and the total. */
  completed: number;
  total: number;
  canary: boolean;
  result?: TenantMigrationResult;
}

export interface MigrateTenantsOptions {
  /** Targets migrated at the same time (≥ 1). */
  concurrency: number;
  /** Tenant migrated alone first; when it fails, no other target is touched. */
  canary?: string;
  /** Migration files; default: prisma/migrations/tenant. */
  migrations?: Migration[];
  onProgress?: (event: TenantMigrationProgress) => void;
}

export interface MigrateTenantsReport {
  /** One result per target, in the order of the targets given. */
  results: TenantMigrationResult[];
  /** True when every target migrated. */
  ok: boolean;
  migrated: number;
  failed: number;
  skipped: number;
  /** True when the canary failed and the rest were skipped. */
  canaryFailed: boolean;
  /** Latest version of the migration files. */
  latest: string | null;
}

export interface TenantVersion {
  tenantId: string;
  schema: string;
  versions: string[];
  version: string | null;
  /** Versions of the migration files the target has not applied. */
  pending: string[];
  error?: Error;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function validate(targets: TenantMigrationTarget[], concurrency: number, canary?: string): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const seen = new Set<string>();
  const schemas = new Map<SqlExecutor, Set<string>>();
  for (const target of targets) {
    if (seen.has(target.tenantId)) throw new Error(`Duplicate tenant ${target.tenantId} in migration targets`);
    seen.add(target.tenantId);
    const inDb = schemas.get(target.db) ?? new Set<string>();
    if (inDb.has(target.schema)) throw new Error(`Schema ${target.schema} is listed twice for the same database`);
    inDb.add(target.schema);
    schemas.set(target.db, inDb);
  }
  if (canary !== undefined && !seen.has(canary)) throw new Error(`Canary tenant ${canary} is not among the targets`);
}

/** Runs `fn` over `items` with at most `limit` in flight; never rejects (fn handles its errors). */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function currentVersion(target: TenantMigrationTarget): Promise<string | null> {
  try {
    return (await appliedVersions({ plane: "tenant", schema: target.schema, db: target.db })).at(-1) ?? null;
  } catch {
    return null;
  }
}

/** Applies the tenant-plane migrations to every target: canary first, then the rest in parallel. */
export async function migrateTenants(
  targets: TenantMigrationTarget[],
  options: MigrateTenantsOptions,
): Promise<MigrateTenantsReport> {
  validate(targets, options.concurrency, options.canary);
  const migrations = options.migrations ?? loadMigrations("tenant");
  const latest = migrations.at(-1)?.version ?? null;
  const results = new Map<string, TenantMigrationResult>();
  const total = targets.length;

  const report = (event: Omit<TenantMigrationProgress, "completed" | "total">) => {
    try {
      options.onProgress?.({ ...event, completed: results.size, total });
    } catch {
      // A broken progress listener must not break the run.
    }
  };

  const run = async (target: TenantMigrationTarget, canary: boolean): Promise<TenantMigrationResult> => {
    report({ tenantId: target.tenantId, phase: "start", canary });
    let result: TenantMigrationResult;
    try {
      const outcome = await migrate({ plane: "tenant", schema: target.schema, db: target.db }, migrations);
      result = {
        tenantId: target.tenantId,
        schema: target.schema,
        status: "migrated",
        applied: outcome.applied,
        version: outcome.version,
      };
    } catch (error) {
      result = {
        tenantId: target.tenantId,
        schema: target.schema,
        status: "failed",
        // The runner commits each file on its own, so earlier files of this run may have landed.
        applied: [],
        version: await currentVersion(target),
        error: asError(error),
      };
    }
    results.set(target.tenantId, result);
    report({ tenantId: target.tenantId, phase: result.status === "failed" ? "failed" : "done", canary, result });
    return result;
  };

  let canaryFailed = false;
  let rest = targets;
  if (options.canary !== undefined) {
    const canaryTarget = targets.find((t) => t.tenantId === options.canary) as TenantMigrationTarget;
    rest = targets.filter((t) => t !== canaryTarget);
    canaryFailed = (await run(canaryTarget, true)).status === "failed";
  }

  if (canaryFailed) {
    for (const target of rest) {
      const skipped: TenantMigrationResult = {
        tenantId: target.tenantId,
        schema: target.schema,
        status: "skipped",
        applied: [],
        version: null,
      };
      results.set(target.tenantId, skipped);
      report({ tenantId: target.tenantId, phase: "skipped", canary: false, result: skipped });
    }
  } else {
    await eachLimited(rest, options.concurrency, async (target) => {
      await run(target, false);
    });
  }

  const ordered = targets.map((t) => results.get(t.tenantId) as TenantMigrationResult);
  const count = (status: TenantMigrationStatus) => ordered.filter((r) => r.status === status).length;
  return {
    results: ordered,
    ok: ordered.every((r) => r.status === "migrated"),
    migrated: count("migrated"),
    failed: count("failed"),
    skipped: count("skipped"),
    canaryFailed,
    latest,
  };
}

/** Each target's applied tenant-plane versions and what it still lacks. */
export async function tenantVersions(
  targets: TenantMigrationTarget[],
  options: { concurrency?: number; migrations?: Migration[] } = {},
): Promise<TenantVersion[]> {
  const migrations = options.migrations ?? loadMigrations("tenant");
  const out = new Map<string, TenantVersion>();
  await eachLimited(targets, options.concurrency ?? 8, async (target) => {
    try {
      const versions = await appliedVersions({ plane: "tenant", schema: target.schema, db: target.db });
      const done = new Set(versions);
      out.set(target.tenantId, {
        tenantId: target.tenantId,
        schema: target.schema,
        versions,
        version: versions.at(-1) ?? null,
        pending: migrations.filter((m) => !done.has(m.version)).map((m) => m.version),
      });
    } catch (error) {
      out.set(target.tenantId, {
        tenantId: target.tenantId,
        schema: target.schema,
        versions: [],
        version: null,
        pending: migrations.map((m) => m.version),
        error: asError(error),
      });
    }
  });
  return targets.map((t) => out.get(t.tenantId) as TenantVersion);
}
