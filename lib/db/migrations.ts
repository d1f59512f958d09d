import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { quoteIdent, type SqlExecutor } from "./sql";

/**
 * Migration runner. Migrations are plain SQL files per plane in prisma/migrations/<plane>/,
 * named NNNN_description.sql and applied in version order. Each target — the main
 * database, one tenant schema, one tenant database — records what it has applied in its
 * own <schema>.schema_migrations table, so every target's version can be read and a run
 * that crashed half way resumes where it stopped.
 *
 * Safety: every migration runs in its own transaction holding a transaction-level
 * advisory lock for (plane, schema), and re-reads the applied list under that lock, so two
 * runners started at once apply each file exactly once. A file whose content changed
 * after it was applied stops the run (checksum mismatch) instead of drifting silently.
 */

export type Plane = "control" | "tenant";

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationTarget {
  plane: Plane;
  /** Schema that receives the tables and the schema_migrations record. */
  schema: string;
  db: SqlExecutor;
}

export interface MigrationResult {
  applied: string[];
  version: string | null;
}

export class MigrationChecksumError extends Error {
  constructor(
    readonly target: string,
    readonly version: string,
  ) {
    super(`Migration ${version} on ${target} was changed after it was applied`);
    this.name = "MigrationChecksumError";
  }
}

export const MIGRATIONS_ROOT = join(process.cwd(), "prisma", "migrations");
const FILE_PATTERN = /^(\d{4,})_([a-z0-9_]+)\.sql$/;

export function checksum(sql: string): string {
  return createHash("sha256").update(sql).digest("hex");
}

const cache = new Map<string, Migration[]>();

/** Reads a plane's migration files, sorted by version. */
export function loadMigrations(plane: Plane, root = MIGRATIONS_ROOT): Migration[] {
  const key = `${root}:${plane}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const dir = join(/*turbopackIgnore: true*/ root, plane);
  const migrations = readdirSync(/*turbopackIgnore: true*/ dir)
    .filter((file) => file.endsWith(".sql"))
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`Migration file name must look like 0001_name.sql: ${file}`);
      const sql = readFileSync(/*turbopackIgnore: true*/ join(dir, file), "utf8");
      return { version: match[1], name: match[2], sql, checksum: checksum(sql) };
    })
    .sort((a, b) => a.version.localeCompare(b.version));
  const versions = new Set<string>();
  for (const m of migrations) {
    if (versions.has(m.version)) throw new Error(`Duplicate migration version ${plane}/${m.version}`);
    versions.add(m.version);
  }
  cache.set(key, migrations);
  return migrations;
}

interface AppliedRow {
  version: string;
  checksum: string;
}

function describe(target: MigrationTarget): string {
  return `${target.plane}@${target.schema}`;
}

async function readApplied(db: SqlExecutor, target: MigrationTarget): Promise<AppliedRow[] | null> {
  const exists = await db.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
    `${quoteIdent(target.schema)}.schema_migrations`,
  ]);
  if (!exists[0]?.found) return null;
  return db.query<AppliedRow>(
    `SELECT version, checksum FROM ${quoteIdent(target.schema)}.schema_migrations WHERE plane = $1 ORDER BY version`,
    [target.plane],
  );
}

function verify(target: MigrationTarget, applied: AppliedRow[], migrations: Migration[]): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const file = byVersion.get(row.version);
    if (file && file.checksum !== row.checksum) throw new MigrationChecksumError(describe(target), row.version);
  }
}

/** The versions a target has applied (empty when it has none). */
export async function appliedVersions(target: MigrationTarget): Promise<string[]> {
  return ((await readApplied(target.db, target)) ?? []).map((row) => row.version);
}

/** Applies every pending migration of the plane to the target. Safe to run again and concurrently. */
export async function migrate(
  target: MigrationTarget,
  migrations: Migration[] = loadMigrations(target.plane),
): Promise<MigrationResult> {
  const schema = quoteIdent(target.schema);
  // Fast path without locks: a target that is up to date costs one round trip.
  const before = await readApplied(target.db, target);
  if (before) verify(target, before, migrations);
  const done = new Set(before?.map((row) => row.version));
  const pending = migrations.filter((m) => !done.has(m.version));
  const applied: string[] = [];

  for (const migration of pending) {
    const ran = await target.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`migrate:${target.plane}:${target.schema}`]);
      // Not CREATE SCHEMA IF NOT EXISTS: a backend that waited for the lock can still hold a
      // stale catalog entry and fail on the unique index; a query sees the committed schema.
      const [found] = await tx.query<{ exists: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS exists",
        [target.schema],
      );
      if (!found?.exists) await tx.exec(`CREATE SCHEMA ${schema}`);
      await tx.exec(
        `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
           plane      text NOT NULL,
           version    text NOT NULL,
           name       text NOT NULL,
           checksum   text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (plane, version)
         )`,
      );
      const current = (await readApplied(tx, target)) ?? [];
      verify(target, current, migrations);
      if (current.some((row) => row.version === migration.version)) return false;
      // Unqualified names in the file land in the target schema; local to this transaction.
      await tx.query("SELECT set_config('search_path', $1, true)", [schema]);
      await tx.exec(migration.sql);
      await tx.query(
        `INSERT INTO ${schema}.schema_migrations (plane, version, name, checksum) VALUES ($1, $2, $3, $4)`,
        [target.plane, migration.version, migration.name, migration.checksum],
      );
      return true;
    });
    if (ran) applied.push(migration.version);
  }

  return { applied, version: migrations.at(-1)?.version ?? null };
}
