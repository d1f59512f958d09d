import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { appliedVersions, loadMigrations, migrate, MigrationChecksumError, type Plane } from "@/lib/db/migrations";
import type { SqlExecutor } from "@/lib/db/sql";
import { describeEachDatabase, migrateAll } from "../support/databases";

/**
 * The migration runner, on a fresh database of each kind: what an operator sees when the
 * app migrates its main database, a tenant schema, a run that crashed half way, a file
 * edited after it shipped, and several app instances starting at once.
 */

const CONTROL_VERSIONS = loadMigrations("control").map((m) => m.version);
const TENANT_VERSIONS = loadMigrations("tenant").map((m) => m.version);

const tempRoots: string[] = [];
afterAll(() => {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true });
});

/** Writes a migrations root of our own: { "0001_a": "SQL", … } under <root>/<plane>/. */
function migrationRoot(files: Record<string, string>, plane: Plane = "tenant"): string {
  const root = mkdtempSync(join(tmpdir(), "logi-migrations-"));
  tempRoots.push(root);
  mkdirSync(join(root, plane));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(root, plane, `${name}.sql`), sql);
  return root;
}

const freshSchema = (): string => `t_${randomUUID().replaceAll("-", "")}`;

async function tablesIn(sql: SqlExecutor, schema: string): Promise<string[]> {
  const rows = await sql.query<{ table_name: string }>(
    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
    [schema],
  );
  return rows.map((row) => row.table_name);
}

async function recorded(sql: SqlExecutor, schema: string): Promise<Array<{ plane: string; version: string }>> {
  return sql.query(`SELECT plane, version FROM "${schema}".schema_migrations ORDER BY plane, version`);
}

it("the repository's migrations are numbered, unique and non-empty", () => {
  expect(CONTROL_VERSIONS.length).toBeGreaterThan(0);
  expect(TENANT_VERSIONS.length).toBeGreaterThan(0);
  for (const versions of [CONTROL_VERSIONS, TENANT_VERSIONS]) {
    expect([...versions].sort()).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  }
});

describeEachDatabase("migrations", (db, kind) => {
  it("a fresh database migrates to the latest version of both planes", async () => {
    expect(await tablesIn(db().sql, "public")).toEqual([]);
    const { control, tenant } = await migrateAll(db().sql);
    expect(control).toEqual({ applied: CONTROL_VERSIONS, version: CONTROL_VERSIONS.at(-1) });
    expect(tenant).toEqual({ applied: TENANT_VERSIONS, version: TENANT_VERSIONS.at(-1) });
    expect(await tablesIn(db().sql, "public")).toEqual(
      expect.arrayContaining(["schema_migrations", "tenants", "subscription_plans", "users", "customers", "invoices"]),
    );
  });

  it("a second run applies nothing", async () => {
    const before = await recorded(db().sql, "public");
    const { control, tenant } = await migrateAll(db().sql);
    expect(control.applied).toEqual([]);
    expect(tenant.applied).toEqual([]);
    expect(control.version).toBe(CONTROL_VERSIONS.at(-1));
    expect(await recorded(db().sql, "public")).toEqual(before);
  });

  it("records the versions per target and plane, readable with appliedVersions", async () => {
    const sql = db().sql;
    expect(await appliedVersions({ plane: "control", schema: "public", db: sql })).toEqual(CONTROL_VERSIONS);
    expect(await appliedVersions({ plane: "tenant", schema: "public", db: sql })).toEqual(TENANT_VERSIONS);
    expect(await recorded(sql, "public")).toEqual([
      ...CONTROL_VERSIONS.map((version) => ({ plane: "control", version })),
      ...TENANT_VERSIONS.map((version) => ({ plane: "tenant", version })),
    ]);
    // A target that was never migrated has applied nothing (and reading it creates nothing).
    const untouched = freshSchema();
    expect(await appliedVersions({ plane: "tenant", schema: untouched, db: sql })).toEqual([]);
    expect(await tablesIn(sql, untouched)).toEqual([]);
  });

  it("applies the tenant plane into a schema t_<uuid> with its own tables and version record", async () => {
    const sql = db().sql;
    const schema = freshSchema();
    const publicBefore = await recorded(sql, "public");

    const result = await migrate({ plane: "tenant", schema, db: sql });
    expect(result.applied).toEqual(TENANT_VERSIONS);
    expect(await tablesIn(sql, schema)).toEqual([
      "audit_events",
      "customers",
      "invoice_lines",
      "invoices",
      "products",
      "projects",
      "schema_migrations",
    ]);
    expect(await recorded(sql, schema)).toEqual(TENANT_VERSIONS.map((version) => ({ plane: "tenant", version })));
    expect(await appliedVersions({ plane: "tenant", schema, db: sql })).toEqual(TENANT_VERSIONS);
    expect(await appliedVersions({ plane: "control", schema, db: sql })).toEqual([]);
    // The shared tables and their record are untouched.
    expect(await recorded(sql, "public")).toEqual(publicBefore);

    // The schema's tables work on their own: a row there is not in public.
    const tenantId = randomUUID();
    await sql.query(`INSERT INTO "${schema}".customers (tenant_id, name) VALUES ($1, 'Only here')`, [tenantId]);
    expect(await sql.query(`SELECT name FROM "${schema}".customers`)).toEqual([{ name: "Only here" }]);
    expect(await sql.query("SELECT name FROM public.customers WHERE tenant_id = $1", [tenantId])).toEqual([]);

    expect((await migrate({ plane: "tenant", schema, db: sql })).applied).toEqual([]);
  });

  it("refuses to run when an applied file was changed afterwards (MigrationChecksumError)", async () => {
    const sql = db().sql;
    const schema = freshSchema();
    const original = {
      "0001_create_notes": "CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL);",
      "0002_seed_notes": "INSERT INTO notes VALUES (1, 'first');",
    };
    const target = { plane: "tenant" as const, schema, db: sql };
    expect((await migrate(target, loadMigrations("tenant", migrationRoot(original)))).applied).toEqual([
      "0001",
      "0002",
    ]);

    const edited = migrationRoot({
      ...original,
      "0002_seed_notes": "INSERT INTO notes VALUES (1, 'first edited');",
      "0003_more_notes": "INSERT INTO notes VALUES (2, 'second');",
    });
    const error = await migrate(target, loadMigrations("tenant", edited)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumError);
    expect((error as MigrationChecksumError).version).toBe("0002");
    expect((error as Error).message).toContain("0002");
    // Nothing after the mismatch ran.
    expect(await appliedVersions(target)).toEqual(["0001", "0002"]);
    expect(await sql.query(`SELECT id, body FROM "${schema}".notes`)).toEqual([{ id: 1, body: "first" }]);
  });

  it("a run whose 2nd file fails keeps the 1st applied, and a fixed re-run completes", async () => {
    const sql = db().sql;
    const schema = freshSchema();
    const target = { plane: "tenant" as const, schema, db: sql };
    const first = "CREATE TABLE ledger (id integer PRIMARY KEY, amount integer NOT NULL);";

    const broken = migrationRoot({
      "0001_create_ledger": first,
      "0002_add_rows": "CREATE TABLE half_done (id integer);\nINSERT INTO ledger VALUES (1, 1 / 0);",
      "0003_after": "INSERT INTO ledger VALUES (3, 3);",
    });
    await expect(migrate(target, loadMigrations("tenant", broken))).rejects.toThrow(/division by zero/);
    expect(await appliedVersions(target)).toEqual(["0001"]);
    // The failed file ran in one transaction: none of it stayed.
    expect(await tablesIn(sql, schema)).toEqual(["ledger", "schema_migrations"]);

    const fixed = migrationRoot({
      "0001_create_ledger": first,
      "0002_add_rows": "CREATE TABLE half_done (id integer);\nINSERT INTO ledger VALUES (1, 1);",
      "0003_after": "INSERT INTO ledger VALUES (3, 3);",
    });
    const rerun = await migrate(target, loadMigrations("tenant", fixed));
    expect(rerun).toEqual({ applied: ["0002", "0003"], version: "0003" });
    expect(await appliedVersions(target)).toEqual(["0001", "0002", "0003"]);
    expect(await sql.query(`SELECT id, amount FROM "${schema}".ledger ORDER BY id`)).toEqual([
      { id: 1, amount: 1 },
      { id: 3, amount: 3 },
    ]);
  });

  if (kind === "postgres") {
    it("5 concurrent runs against separate pools apply each file exactly once (advisory lock)", async () => {
      const connections = Array.from({ length: 5 }, () => db().connect({ max: 1 }));
      // The target schemas do not exist yet: the runners race to create them too.
      try {
        // Our own set, where applying a file twice would be visible: every file inserts a row.
        const schema = freshSchema();
        const root = migrationRoot({
          "0001_create_hits": "CREATE TABLE hits (version text PRIMARY KEY, at timestamptz DEFAULT clock_timestamp());",
          "0002_slow_hit": "SELECT pg_sleep(0.3);\nINSERT INTO hits (version) VALUES ('0002');",
          "0003_hit": "INSERT INTO hits (version) VALUES ('0003');",
          "0004_create_counter": "CREATE TABLE counter (n integer);\nINSERT INTO counter VALUES (1);",
        });
        const migrations = loadMigrations("tenant", root);
        const results = await Promise.all(
          connections.map((c) => migrate({ plane: "tenant", schema, db: c.sql }, migrations)),
        );
        const applied = results.flatMap((r) => r.applied).sort();
        expect(applied).toEqual(["0001", "0002", "0003", "0004"]);
        expect(results.every((r) => r.version === "0004")).toBe(true);
        expect(await db().sql.query(`SELECT version FROM "${schema}".hits ORDER BY version`)).toEqual([
          { version: "0002" },
          { version: "0003" },
        ]);
        expect(await db().sql.query(`SELECT count(*)::int AS n FROM "${schema}".counter`)).toEqual([{ n: 1 }]);
        expect(await recorded(db().sql, schema)).toHaveLength(4);

        // The real planes too: five app instances starting at once on an empty schema.
        const main = freshSchema();
        const real = await Promise.all(connections.map((c) => migrateAll(c.sql, main)));
        expect(real.flatMap((r) => r.control.applied).sort()).toEqual(CONTROL_VERSIONS);
        expect(real.flatMap((r) => r.tenant.applied).sort()).toEqual(TENANT_VERSIONS);
        expect(await recorded(db().sql, main)).toHaveLength(CONTROL_VERSIONS.length + TENANT_VERSIONS.length);
        expect(await db().sql.query(`SELECT count(*)::int AS n FROM "${main}".subscription_plans`)).toEqual([{ n: 5 }]);
      } finally {
        await Promise.all(connections.map((c) => c.close()));
      }
    });
  }
});
