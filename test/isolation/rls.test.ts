/* eslint-disable no-restricted-properties -- attacks are raw SQL over table names read from pg_class (quoted identifiers, never user input); values are still parameters or validated uuids. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { APP_ROLE } from "@/lib/tenancy/scoped-client";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import {
  createFixture,
  delegate,
  describeIsolation,
  foreignTrace,
  idsOf,
  nextSeq,
  snapshotTenant,
  stable,
  TENANT_A,
  TENANT_B,
  TENANT_PLANE_MODELS,
  type Fixture,
} from "../support/isolation";

/**
 * Row level security on its own: raw SQL as the application role, and the plain
 * (unscoped, no extension) Prisma client under the role. Whatever the application layer
 * does, the database must show tenant A nothing of tenant B and let A change nothing of B.
 *
 * The tables attacked here are read from the database (pg_class), not from a list: every
 * table of the schema that the control-plane migrations did not create is tenant plane
 * and must have RLS enabled AND forced and a policy, so a new table without RLS fails.
 */

const A = TENANT_A.id;
const B = TENANT_B.id;
const MIGRATIONS = join(process.cwd(), "prisma", "migrations");

/** Tables created by the SQL files of one plane's migrations. */
function migrationTables(plane: "control" | "tenant"): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(MIGRATIONS, plane)).filter((f) => f.endsWith(".sql"))) {
    const sql = readFileSync(join(MIGRATIONS, plane, file), "utf8");
    for (const match of sql.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?/gi)) {
      names.add(match[1]);
    }
  }
  return names;
}

const BOOKKEEPING = new Set(["schema_migrations"]);

class Rollback extends Error {}

type Tx = Parameters<Parameters<TenantPlaneClient["$transaction"]>[0]>[0];

const uuidList = (ids: Iterable<string>) => {
  const list = [...ids];
  for (const id of list) if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not a uuid: ${id}`);
  return list.length ? list.map((id) => `'${id}'`).join(", ") : "NULL";
};

describeIsolation("row level security without the application layer", (database) => {
  let plain: TenantPlaneClient;
  let fixtures: { a: Fixture; b: Fixture } | undefined;
  let tenantTables: string[] = [];
  const tally = { attacks: 0, leaks: [] as string[] };

  const prepare = async () => {
    plain ??= await database.plain();
    if (!fixtures) fixtures = { a: await createFixture(plain, A), b: await createFixture(plain, B) };
    if (!tenantTables.length) {
      const control = migrationTables("control");
      const rows = await plain.$queryRawUnsafe<{ relname: string }[]>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
      );
      tenantTables = rows.map((r) => r.relname).filter((t) => !control.has(t) && !BOOKKEEPING.has(t));
    }
  };

  /** B's rows of `table` with their tuple version (xmin changes on any UPDATE), read as owner. */
  const versionsOf = async (client: TenantPlaneClient | Tx, table: string, tenantId = B) =>
    stable(
      await client.$queryRawUnsafe(
        `SELECT id::text, xmin::text AS version, to_jsonb(t)::text AS row FROM "${table}" t WHERE tenant_id = $1::uuid ORDER BY id`,
        tenantId,
      ),
    );

  /**
   * Runs fn in a transaction as the app role with app.tenant_id = tenant (none when null),
   * then ALWAYS rolls back. `afterAsOwner` runs in the same transaction after the role is
   * reset (the session user is the owner), so it sees what fn did to every tenant.
   */
  async function asAppRole<T>(
    tenant: string | null,
    fn: (tx: Tx) => Promise<T>,
    afterAsOwner?: (tx: Tx) => Promise<void>,
  ): Promise<T> {
    let out: T | undefined;
    try {
      await plain.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(`SELECT set_config('role', $1, true)`, APP_ROLE);
        if (tenant !== null) await tx.$queryRawUnsafe(`SELECT set_config('app.tenant_id', $1, true)`, tenant);
        out = await fn(tx);
        if (afterAsOwner) {
          await tx.$queryRawUnsafe(`SELECT set_config('role', 'none', true)`);
          await afterAsOwner(tx);
        }
        throw new Rollback();
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
    }
    return out as T;
  }

  const record = (label: string, problem: string | null) => {
    tally.attacks++;
    if (problem) tally.leaks.push(`${label}: ${problem}`);
  };

  afterAll(() => {
    console.log(`attack suite [${database.kind}] raw SQL / RLS: ${tally.attacks} attacks, ${tally.leaks.length} leaks`);
    for (const leak of tally.leaks) console.log(`  LEAK ${leak}`);
  });

  // ------------------------------------------------------------------ posture

  it("the app role is no superuser, cannot bypass RLS, owns nothing and inherits nothing", async () => {
    await prepare();
    const [role] = await plain.$queryRawUnsafe<{ rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }[]>(
      `SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1`,
      APP_ROLE,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, rolcanlogin: false });
    const owned = await plain.$queryRawUnsafe<{ relname: string }[]>(
      `SELECT c.relname FROM pg_class c WHERE pg_get_userbyid(c.relowner) = $1`,
      APP_ROLE,
    );
    expect(owned).toEqual([]);
    // Roles it is a member of (directly or not) must not grant superuser or BYPASSRLS either.
    const inherited = await plain.$queryRawUnsafe<{ rolname: string }[]>(
      `SELECT r.rolname FROM pg_roles r
        WHERE pg_has_role($1, r.oid, 'MEMBER') AND r.rolname <> $1 AND (r.rolsuper OR r.rolbypassrls)`,
      APP_ROLE,
    );
    expect(inherited).toEqual([]);
  });

  it("every tenant-plane table (read from pg_class) has RLS enabled and forced, and a policy", async () => {
    await prepare();
    const expected = migrationTables("tenant");
    expect(tenantTables.length).toBeGreaterThanOrEqual(expected.size);
    for (const table of expected) expect(tenantTables).toContain(table);
    const rows = await plain.$queryRawUnsafe<
      {
        relname: string;
        relrowsecurity: boolean;
        relforcerowsecurity: boolean;
        policies: number;
        has_tenant_id: boolean;
      }[]
    >(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
              (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
              EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant_id
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(string_to_array($1, ','))
        ORDER BY c.relname`,
      tenantTables.join(","),
    );
    const bad = rows.filter((r) => !r.relrowsecurity || !r.relforcerowsecurity || r.policies < 1 || !r.has_tenant_id);
    expect(bad, "tenant-plane tables without tenant_id + ENABLE + FORCE row level security + a policy").toEqual([]);
    expect(rows.map((r) => r.relname)).toEqual([...tenantTables].sort());
  });

  it("every tenant-plane table is in the attack suite's model list (test/support/isolation.ts)", async () => {
    await prepare();
    const listed = new Set(TENANT_PLANE_MODELS.map((m) => m.table));
    expect(
      tenantTables.filter((t) => !listed.has(t)),
      "add these tables to TENANT_PLANE_MODELS",
    ).toEqual([]);
  });

  it("the app role has no privilege on any control-plane table", async () => {
    await prepare();
    const granted = await plain.$queryRawUnsafe<{ table_name: string; privilege_type: string }[]>(
      `SELECT table_name, privilege_type FROM information_schema.role_table_grants
        WHERE grantee = $1 AND table_schema = current_schema() AND table_name <> ALL(string_to_array($2, ','))`,
      APP_ROLE,
      tenantTables.join(","),
    );
    expect(granted).toEqual([]);
  });

  // ------------------------------------------------------------------ raw SQL attacks, per table

  it("raw SELECT with no WHERE, with B's ids and with tenant_id = B returns only A's rows", async () => {
    await prepare();
    for (const table of tenantTables) {
      const bIds = await plain.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "${table}" WHERE tenant_id = $1::uuid`,
        B,
      );
      const [{ count: aCount }] = await plain.$queryRawUnsafe<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM "${table}" WHERE tenant_id = $1::uuid`,
        A,
      );
      await asAppRole(A, async (tx) => {
        const all = await tx.$queryRawUnsafe<{ tenant_id: string }[]>(`SELECT tenant_id::text FROM "${table}"`);
        record(
          `${table}: SELECT *`,
          all.length === aCount && all.every((r) => r.tenant_id === A)
            ? null
            : `saw ${all.length} rows, A has ${aCount}`,
        );
        const byId = await tx.$queryRawUnsafe<unknown[]>(
          `SELECT * FROM "${table}" WHERE id IN (${uuidList(bIds.map((r) => r.id))})`,
        );
        record(`${table}: SELECT B's ids`, byId.length === 0 ? null : `saw ${byId.length} of B's rows`);
        const byTenant = await tx.$queryRawUnsafe<unknown[]>(`SELECT * FROM "${table}" WHERE tenant_id = $1::uuid`, B);
        record(`${table}: SELECT tenant_id = B`, byTenant.length === 0 ? null : `saw ${byTenant.length} of B's rows`);
        const union = await tx.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM "${table}" WHERE tenant_id = $1::uuid OR true`,
          B,
        );
        record(`${table}: SELECT ... OR true`, union[0].n === aCount ? null : `counted ${union[0].n}`);
      });
    }
    expect(tally.leaks).toEqual([]);
  });

  it("raw UPDATE with no WHERE and with B's ids changes only A's rows; moving rows to B is rejected", async () => {
    await prepare();
    for (const table of tenantTables) {
      const bIds = await plain.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "${table}" WHERE tenant_id = $1::uuid`,
        B,
      );
      const [{ count: aCount }] = await plain.$queryRawUnsafe<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM "${table}" WHERE tenant_id = $1::uuid`,
        A,
      );
      const before = await versionsOf(plain, table);
      const appendOnly = TENANT_PLANE_MODELS.find((m) => m.table === table)?.appendOnly;
      for (const [label, sql] of [
        ["UPDATE, no WHERE", `UPDATE "${table}" SET tenant_id = tenant_id`],
        [
          "UPDATE B's ids",
          `UPDATE "${table}" SET tenant_id = tenant_id WHERE id IN (${uuidList(bIds.map((r) => r.id))})`,
        ],
        ["UPDATE tenant_id = B", `UPDATE "${table}" SET tenant_id = tenant_id WHERE tenant_id = '${B}'`],
      ] as const) {
        let during = before;
        const outcome = await asAppRole(
          A,
          (tx) => tx.$executeRawUnsafe(sql),
          async (tx) => void (during = await versionsOf(tx, table)),
        ).then(
          (n) => ({ n }),
          (error: unknown) => ({ error: String(error) }),
        );
        const expectedCount = label === "UPDATE, no WHERE" ? aCount : 0;
        let problem: string | null = during === before ? null : "B's rows were rewritten";
        if ("n" in outcome && outcome.n !== expectedCount)
          problem ??= `updated ${outcome.n} rows, expected ${expectedCount}`;
        if ("error" in outcome && !(appendOnly && /permission denied/i.test(outcome.error))) problem ??= outcome.error;
        record(`${table}: ${label}`, problem);
      }
      // Moving A's rows into B violates the policy's WITH CHECK.
      const moved = await asAppRole(A, (tx) => tx.$executeRawUnsafe(`UPDATE "${table}" SET tenant_id = '${B}'`)).then(
        (n) => `moved ${n} rows`,
        (error: unknown) => (/row-level security|permission denied/i.test(String(error)) ? null : String(error)),
      );
      record(`${table}: UPDATE SET tenant_id = B`, aCount > 0 ? moved : null);
      expect(await versionsOf(plain, table)).toBe(before);
    }
    expect(tally.leaks).toEqual([]);
  });

  it("raw DELETE with B's ids deletes nothing; DELETE with no WHERE deletes exactly A's rows", async () => {
    await prepare();
    const before = new Map<string, string>();
    for (const table of tenantTables) before.set(table, await versionsOf(plain, table));
    for (const table of tenantTables) {
      const bIds = await plain.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id::text FROM "${table}" WHERE tenant_id = $1::uuid`,
        B,
      );
      const appendOnly = TENANT_PLANE_MODELS.find((m) => m.table === table)?.appendOnly;
      const outcome = await asAppRole(A, (tx) =>
        tx.$executeRawUnsafe(
          `DELETE FROM "${table}" WHERE id IN (${uuidList(bIds.map((r) => r.id))}) OR tenant_id = '${B}'`,
        ),
      ).then(
        (n) => (n === 0 ? null : `deleted ${n}`),
        (error: unknown) => (appendOnly && /permission denied/i.test(String(error)) ? null : String(error)),
      );
      record(`${table}: DELETE B's ids`, outcome);
    }
    // DELETE with no WHERE on every table, children first (the list is in dependency order).
    const deletable = TENANT_PLANE_MODELS.filter((m) => !m.appendOnly && tenantTables.includes(m.table))
      .map((m) => m.table)
      .reverse();
    const counts = new Map<string, number>();
    for (const table of deletable) {
      const [{ count }] = await plain.$queryRawUnsafe<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM "${table}" WHERE tenant_id = $1::uuid`,
        A,
      );
      counts.set(table, count);
    }
    const deleted = new Map<string, number>();
    const afterDelete = new Map<string, { b: string; aLeft: number }>();
    await asAppRole(
      A,
      async (tx) => {
        for (const table of deletable) deleted.set(table, await tx.$executeRawUnsafe(`DELETE FROM "${table}"`));
      },
      async (tx) => {
        for (const table of deletable) {
          const [{ count }] = await tx.$queryRawUnsafe<{ count: number }[]>(
            `SELECT count(*)::int AS count FROM "${table}" WHERE tenant_id = $1::uuid`,
            A,
          );
          afterDelete.set(table, { b: await versionsOf(tx, table), aLeft: count });
        }
      },
    );
    for (const table of deletable) {
      const seen = afterDelete.get(table)!;
      const problem =
        seen.b !== before.get(table)
          ? "B's rows changed"
          : deleted.get(table) !== counts.get(table) || seen.aLeft !== 0
            ? `deleted ${deleted.get(table)}, A had ${counts.get(table)}, ${seen.aLeft} left`
            : null;
      record(`${table}: DELETE, no WHERE`, problem);
    }
    for (const table of tenantTables) expect(await versionsOf(plain, table)).toBe(before.get(table));
    expect(tally.leaks).toEqual([]);
  });

  it("raw INSERT with B's tenant_id is rejected; without tenant_id it gets A's", async () => {
    await prepare();
    for (const table of tenantTables) {
      // A copy of one of A's rows (seen through RLS) with B's tenant_id and a new id.
      const outcome = await asAppRole(A, (tx) =>
        tx.$executeRawUnsafe(
          `INSERT INTO "${table}" SELECT (jsonb_populate_record(NULL::"${table}",
              to_jsonb(x) || jsonb_build_object('tenant_id', $1::text, 'id', gen_random_uuid()::text))).*
             FROM "${table}" x LIMIT 1`,
          B,
        ),
      ).then(
        (n) => `inserted ${n} rows into B`,
        (error: unknown) => (/row-level security/i.test(String(error)) ? null : `unexpected error: ${String(error)}`),
      );
      record(`${table}: INSERT with tenant_id = B`, outcome);
    }
    const tenantOfNew = await asAppRole(A, (tx) =>
      tx.$queryRawUnsafe<{ tenant_id: string }[]>(
        `INSERT INTO customers (id, name) VALUES (gen_random_uuid(), 'x') RETURNING tenant_id::text`,
      ),
    );
    record(
      "customers: INSERT without tenant_id",
      tenantOfNew[0]?.tenant_id === A ? null : `got ${stable(tenantOfNew)}`,
    );
    const withoutTenant = await asAppRole(null, (tx) =>
      tx.$executeRawUnsafe(`INSERT INTO customers (id, name) VALUES (gen_random_uuid(), 'x')`),
    ).then(
      () => "inserted with no tenant set",
      (error: unknown) => (/row-level security|null value/i.test(String(error)) ? null : String(error)),
    );
    record("customers: INSERT with no tenant set", withoutTenant);
    expect(tally.leaks).toEqual([]);
  });

  it("with no tenant set, an empty setting or a stale one, every table shows 0 rows", async () => {
    await prepare();
    for (const [label, setting] of [
      ["no tenant set", null],
      ["app.tenant_id = ''", ""],
    ] as const) {
      for (const table of tenantTables) {
        const result = await asAppRole(setting, async (tx) => {
          const [{ n }] = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "${table}"`);
          const updated = await tx.$executeRawUnsafe(`UPDATE "${table}" SET tenant_id = tenant_id`).catch(() => 0);
          const deleted = await tx.$executeRawUnsafe(`DELETE FROM "${table}"`).catch(() => 0);
          return { n, updated, deleted };
        }).catch((error: unknown) => ({ error: String(error) }));
        record(
          `${table}: ${label}`,
          "error" in result || (result.n === 0 && result.updated === 0 && result.deleted === 0) ? null : stable(result),
        );
      }
    }
    // A garbage setting fails closed (the cast errors) rather than matching anything.
    const garbage = await asAppRole("not-a-uuid", (tx) =>
      tx.$queryRawUnsafe<unknown[]>(`SELECT * FROM customers`),
    ).then(
      (rows) => (rows.length === 0 ? null : `saw ${rows.length} rows`),
      () => null,
    );
    record("customers: garbage app.tenant_id", garbage);
    expect(tally.leaks).toEqual([]);
  });

  // ------------------------------------------------------------------ plain Prisma client under RLS

  for (const spec of TENANT_PLANE_MODELS) {
    it(`${spec.name}: the plain client (no extension) under the app role sees and changes none of B's rows`, async () => {
      await prepare();
      const { a, b } = fixtures!;
      const before = await snapshotTenant(plain, B);
      const foreign = idsOf(before);
      const attacks: [string, (tx: Tx) => Promise<unknown>, "rows" | "refused" | "zero"][] = [
        ["findMany, no where", (tx) => delegate(tx, spec.name).findMany({ include: undefined }), "rows"],
        ["findMany tenantId B", (tx) => delegate(tx, spec.name).findMany({ where: { tenantId: B } }), "zero"],
        [
          "findUnique B's key",
          (tx) => delegate(tx, spec.name).findUnique({ where: { tenantId_id: { tenantId: B, id: b[spec.name] } } }),
          "zero",
        ],
        [
          "count, no where",
          (tx) =>
            delegate(tx, spec.name)
              .count()
              .then((n) => ({ n })),
          "rows",
        ],
        [
          "updateMany tenantId B",
          (tx) => delegate(tx, spec.name).updateMany({ where: { tenantId: B }, data: spec.change }),
          "zero",
        ],
        ["deleteMany tenantId B", (tx) => delegate(tx, spec.name).deleteMany({ where: { tenantId: B } }), "zero"],
        [
          "create with tenantId B",
          (tx) => delegate(tx, spec.name).create({ data: { ...spec.make(a, nextSeq()), tenantId: B } }),
          "refused",
        ],
        [
          "update own row to tenantId B",
          (tx) =>
            delegate(tx, spec.name).update({
              where: { tenantId_id: { tenantId: A, id: a[spec.name] } },
              data: { tenantId: B },
            }),
          "refused",
        ],
      ];
      for (const [label, run, expectation] of attacks) {
        const outcome = await asAppRole(A, run).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        let problem: string | null = null;
        if ("result" in outcome) {
          const trace = foreignTrace(outcome.result, A, foreign);
          if (trace) problem = `observed B: ${trace}`;
          else if (expectation === "refused") problem = "not refused";
          else if (expectation === "zero") {
            const r = outcome.result as { count?: number } | unknown[] | null;
            const empty = r === null || (Array.isArray(r) ? r.length === 0 : (r as { count?: number }).count === 0);
            if (!empty) problem = `not empty: ${stable(r).slice(0, 200)}`;
          }
        } else if (
          expectation !== "refused" &&
          !(spec.appendOnly && /permission denied/i.test(String(outcome.error)))
        ) {
          problem = `unexpected error: ${String(outcome.error).slice(0, 200)}`;
        }
        record(`${spec.name} plain client: ${label}`, problem);
        expect(problem, label).toBeNull();
      }
      // asAppRole always rolls back, but B must be unchanged in any case.
      expect(stable(await snapshotTenant(plain, B))).toBe(stable(before));
      // The plain client with NO transaction settings (the owner) does see B: the check above is not vacuous.
      expect((await delegate(plain, spec.name).count({ where: { tenantId: B } })) as number).toBeGreaterThan(0);
    });
  }

  it("0 leaks over the raw SQL suite", () => {
    console.log(`attack suite [${database.kind}] raw SQL / RLS: ${tally.attacks} attacks, ${tally.leaks.length} leaks`);
    expect(tally.attacks).toBeGreaterThan(0);
    expect(tally.leaks).toEqual([]);
  });
});
