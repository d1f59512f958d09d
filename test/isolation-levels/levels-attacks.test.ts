import { afterAll, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/tenant/client";
import type { IsolationLevel } from "@/lib/tenancy/context";
import { acquireTenantPlane, type TenantPlaneLease } from "@/lib/tenancy/isolation/planes";
import { APP_ROLE, scopedTenantClient, tenantTransaction, type ScopedTenantClient } from "@/lib/tenancy/scoped-client";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import {
  createFixture,
  delegate,
  describeIsolation,
  foreignTrace,
  idsOf,
  nextSeq,
  snapshotTenant,
  TENANT_PLANE_MODELS,
  type Fixture,
} from "../support/isolation";
import {
  asLevelTenant,
  attacksFor,
  createScopedFixture,
  ghostTenantId,
  judgeAttack,
  LEVEL_LABEL,
  levelPairs,
  LEVELS,
  planeCounts,
  planeSchema,
  planeSnapshot,
  provisionAtLevel,
  qualified,
  samePlane,
  withPlane,
  type AttackContext,
  type LevelTenant,
} from "../support/levels";

/**
 * The cross-tenant attack suite at every isolation level, and between levels.
 *
 * Two tenants per level are provisioned through provisionTenant (isolationLevel given
 * explicitly): two sharing the tables, two with a schema of their own, two with a database
 * of their own (a PGlite data directory of their own in embedded mode). For each of the
 * 3 × 3 (attacker level, victim level) pairs, tenant #1 of the attacker level attacks
 * tenant #2 of the victim level with every model-level attack of test/support/levels.ts.
 * Every tenant's plane also holds rows of a "ghost" tenant id that belongs to nobody,
 * planted as the owner: they must never surface and never change either.
 *
 * An attack LEAKS when the attacker observes any victim or ghost row (an id, or a foreign
 * tenantId anywhere in the result), when the victim's rows (with their tuple versions) or
 * the ghost rows of the attacker's plane differ afterwards, when any victim row appears in
 * the attacker's plane, or when a write that must be refused is not.
 *
 * Then, inside the schema and database levels, the database alone: raw SQL under the app
 * role, and the RLS posture of the tenant's own tables.
 */

type Tx = Parameters<Parameters<TenantPlaneClient["$transaction"]>[0]>[0];
class Rollback extends Error {}

const key = (level: IsolationLevel, n: 1 | 2) => `${level}#${n}`;

describeIsolation("attack suite at every isolation level", (database) => {
  const tenants = new Map<string, LevelTenant>();
  const fixtures = new Map<string, Fixture>();
  const ghost = ghostTenantId();
  const ghostIds = new Set<string>();
  const tally = new Map<string, { attacks: number; leaks: string[] }>();
  let scoped: ScopedTenantClient;
  let ready: Promise<void> | undefined;

  const tenant = (level: IsolationLevel, n: 1 | 2) => {
    const found = tenants.get(key(level, n));
    if (!found) throw new Error(`tenant ${key(level, n)} was not provisioned`);
    return found;
  };

  const prepare = () =>
    (ready ??= (async () => {
      scoped = await scopedTenantClient();
      for (const level of LEVELS) {
        for (const n of [1, 2] as const) {
          tenants.set(key(level, n), await provisionAtLevel(level, `${LEVEL_LABEL[level]}${n}`));
        }
      }
      for (const t of tenants.values()) fixtures.set(t.id, await createScopedFixture(t));
      // Ghost rows in every plane: the shared tables once, each schema and database.
      const planes = [...tenants.values()].filter((t, i, all) => !all.slice(0, i).some((u) => samePlane(t, u)));
      for (const t of planes) {
        const ghostFixture = await withPlane(t, (plain) => createFixture(plain, ghost));
        for (const id of Object.values(ghostFixture)) ghostIds.add(id);
      }
    })());

  afterAll(() => {
    const lines = [...tally.entries()].map(
      ([pair, t]) => `  ${pair.padEnd(20)} ${String(t.attacks).padStart(5)} attacks, ${t.leaks.length} leaks`,
    );
    const total = [...tally.values()].reduce((sum, t) => sum + t.attacks, 0);
    console.log(
      `attack suite [${database.kind}] by isolation level pair (attacker → victim):\n${lines.join("\n")}\n  total ${total} attacks`,
    );
    for (const t of tally.values()) for (const leak of t.leaks) console.log(`  LEAK ${leak}`);
  });

  it("provisions two tenants per level; each tenant's rows live in its own plane and nowhere else", async () => {
    await prepare();
    expect([...tenants.values()].map((t) => t.level)).toEqual(LEVELS.flatMap((l) => [l, l]));
    for (const t of tenants.values()) {
      const own = await planeCounts(t, t.id);
      for (const spec of TENANT_PLANE_MODELS) expect(own[spec.table], `${t.slug} ${spec.table}`).toBeGreaterThan(0);
      for (const other of tenants.values()) {
        if (other === t || samePlane(t, other)) continue;
        const there = await planeCounts(other, t.id);
        expect(Object.values(there), `${t.slug}'s rows in ${other.slug}'s plane`).toEqual(
          TENANT_PLANE_MODELS.map(() => 0),
        );
      }
    }
    // The scoped client in each tenant's context sees exactly its own fixture row per model.
    for (const t of tenants.values()) {
      const fixture = fixtures.get(t.id)!;
      for (const spec of TENANT_PLANE_MODELS) {
        const found = await asLevelTenant(t, () =>
          delegate(scoped, spec.name).findMany({ where: { id: fixture[spec.name] } }),
        );
        expect((found as { tenantId: string }[]).map((r) => r.tenantId)).toEqual([t.id]);
      }
    }
  }, 600_000);

  for (const pair of levelPairs()) {
    const pairLabel = `${LEVEL_LABEL[pair.attacker]} → ${LEVEL_LABEL[pair.victim]}`;
    for (const spec of TENANT_PLANE_MODELS) {
      it(`${pairLabel}: ${spec.name}: every attack finds nothing of the victim and changes nothing`, async () => {
        await prepare();
        const attacker = tenant(pair.attacker, 1);
        const victim = tenant(pair.victim, 2);
        const counts = tally.get(pairLabel) ?? { attacks: 0, leaks: [] };
        tally.set(pairLabel, counts);

        const victimRows = await withPlane(victim, (plain) => snapshotTenant(plain, victim.id));
        const foreign = new Set([...idsOf(victimRows), ...ghostIds]);
        const bIds = (victimRows[spec.name] as { id: string }[]).map((row) => row.id);
        expect(bIds.length).toBeGreaterThan(0);
        const victimBefore = await planeSnapshot(victim, victim.id);
        const ghostBefore = await planeSnapshot(attacker, ghost);
        const apart = !samePlane(attacker, victim);

        const lease: TenantPlaneLease = await acquireTenantPlane({ id: attacker.id, isolationLevel: attacker.level });
        const problems: string[] = [];
        try {
          for (const attack of attacksFor(spec)) {
            const a = await createScopedFixture(attacker);
            const ctx: AttackContext = {
              attacker: attacker.id,
              victim: victim.id,
              a,
              b: fixtures.get(victim.id)!,
              bIds,
              plain: lease.client,
            };
            const outcome: { result?: unknown; error?: unknown } = {};
            try {
              outcome.result = await asLevelTenant(attacker, () => attack.run(scoped, ctx));
            } catch (error) {
              outcome.error = error;
            }
            const found = await judgeAttack(attack, ctx, outcome, (value) => foreignTrace(value, attacker.id, foreign));
            if ((await planeSnapshot(victim, victim.id)) !== victimBefore) found.push("the victim's rows changed");
            if ((await planeSnapshot(attacker, ghost)) !== ghostBefore) found.push("ghost rows changed");
            if (apart) {
              const landed = Object.entries(await planeCounts(attacker, victim.id)).filter(([, n]) => n > 0);
              if (landed.length) found.push(`victim rows in the attacker's plane: ${JSON.stringify(landed)}`);
            }
            counts.attacks++;
            if (found.length) {
              const leak = `${pairLabel}: ${spec.name}: ${attack.label}: ${found.join("; ")}`;
              counts.leaks.push(leak);
              problems.push(leak);
            }
          }
        } finally {
          lease.release();
        }
        expect(problems).toEqual([]);
      });
    }
  }

  for (const level of LEVELS) {
    it(`${LEVEL_LABEL[level]}: a throw inside tenantTransaction rolls every write of every model back`, async () => {
      await prepare();
      const t = tenant(level, 1);
      const a = await createScopedFixture(t);
      const before = await planeSnapshot(t, t.id);
      const sentinel = new Error("roll back");
      const outcome = await asLevelTenant(t, () =>
        tenantTransaction(async (db) => {
          const customersBefore = await db.customer.count();
          for (const spec of TENANT_PLANE_MODELS) {
            await delegate(db, spec.name).create({ data: spec.make(a, nextSeq()) });
            await delegate(db, spec.name).createMany({ data: [spec.make(a, nextSeq())] });
            if (!spec.appendOnly) await delegate(db, spec.name).updateMany({ data: spec.change });
          }
          // The writes are visible inside the unit before it throws.
          expect(await db.customer.count()).toBe(customersBefore + 2);
          throw sentinel;
        }),
      ).catch((error: unknown) => error);
      expect(outcome).toBe(sentinel);
      expect(await planeSnapshot(t, t.id)).toBe(before);
    });
  }

  // ──────────────────────────────────────────────────────────────── the database alone, per level

  /** fn in a transaction of the tenant's plane as the app role with app.tenant_id = tenantId; always rolled back. */
  async function asAppRole<T>(holder: LevelTenant, tenantId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
    let out: T | undefined;
    await withPlane(holder, async (plain) => {
      try {
        await plain.$transaction(async (tx) => {
          await tx.$queryRaw`SELECT set_config('role', ${APP_ROLE}, true)`;
          if (tenantId !== null) await tx.$queryRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
          out = await fn(tx);
          throw new Rollback();
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
      }
    });
    return out as T;
  }

  const rlsRefusal = (error: unknown) => /row-level security/i.test(String(error));

  for (const level of ["schema", "database"] as const) {
    it(`${level}: raw SQL under the app role in a ${level} tenant's own tables sees and changes only its rows`, async () => {
      await prepare();
      const x = tenant(level, 1);
      const other = tenant(level, 2);
      const problems: string[] = [];
      const ghostBefore = await planeSnapshot(x, ghost);
      const own = await planeCounts(x, x.id);
      for (const spec of TENANT_PLANE_MODELS) {
        const table = qualified(x, spec.table);
        const label = `${planeSchema(x)}.${spec.table}`;
        const seen = await asAppRole(x, x.id, (tx) =>
          tx.$queryRaw<{ tenant_id: string }[]>(Prisma.sql`SELECT tenant_id::text FROM ${table}`),
        );
        if (seen.length !== own[spec.table] || seen.some((r) => r.tenant_id !== x.id))
          problems.push(`${label}: SELECT saw ${seen.length} rows (${x.slug} has ${own[spec.table]})`);
        const ghostSeen = await asAppRole(x, x.id, (tx) =>
          tx.$queryRaw<{ n: number }[]>(
            Prisma.sql`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = ${ghost}::uuid OR true`,
          ),
        );
        if (ghostSeen[0].n !== own[spec.table]) problems.push(`${label}: SELECT … OR true counted ${ghostSeen[0].n}`);
        const changed = await asAppRole(x, x.id, async (tx) => ({
          updated: await tx
            .$executeRaw(Prisma.sql`UPDATE ${table} SET tenant_id = tenant_id WHERE tenant_id = ${ghost}::uuid`)
            .catch((error: unknown) => (spec.appendOnly && /permission denied/i.test(String(error)) ? 0 : -1)),
        }));
        const deleted = await asAppRole(x, x.id, (tx) =>
          tx
            .$executeRaw(Prisma.sql`DELETE FROM ${table} WHERE tenant_id = ${ghost}::uuid`)
            .catch((error: unknown) => (spec.appendOnly && /permission denied/i.test(String(error)) ? 0 : -1)),
        );
        if (changed.updated !== 0 || deleted !== 0)
          problems.push(`${label}: UPDATE/DELETE of ghost rows: ${changed.updated}/${deleted}`);
        for (const [who, id] of [
          ["the ghost tenant", ghost],
          [`${other.slug} (same level)`, other.id],
        ] as const) {
          const inserted = await asAppRole(x, x.id, (tx) =>
            tx.$executeRaw(
              Prisma.sql`INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table},
                  to_jsonb(r) || jsonb_build_object('tenant_id', ${id}::text, 'id', gen_random_uuid()::text))).*
                FROM ${table} r LIMIT 1`,
            ),
          ).then(
            (n) => `inserted ${n} rows for ${who}`,
            (error: unknown) => (rlsRefusal(error) ? null : `unexpected error: ${String(error).slice(0, 200)}`),
          );
          if (inserted) problems.push(`${label}: INSERT with tenant_id of ${who}: ${inserted}`);
        }
        if (!spec.appendOnly) {
          const moved = await asAppRole(x, x.id, (tx) =>
            tx.$executeRaw(Prisma.sql`UPDATE ${table} SET tenant_id = ${other.id}::uuid`),
          ).then(
            (n) => `moved ${n} rows`,
            (error: unknown) => (rlsRefusal(error) ? null : `unexpected error: ${String(error).slice(0, 200)}`),
          );
          if (moved) problems.push(`${label}: UPDATE SET tenant_id = ${other.slug}: ${moved}`);
        }
        const unset = await asAppRole(x, null, (tx) =>
          tx.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM ${table}`),
        );
        if (unset[0].n !== 0) problems.push(`${label}: no tenant set, saw ${unset[0].n} rows`);
      }
      // Under the app role, a new row without tenant_id takes the tenant of the transaction.
      const created = await asAppRole(x, x.id, (tx) =>
        tx.$queryRaw<{ tenant_id: string }[]>(
          Prisma.sql`INSERT INTO ${qualified(x, "customers")} (id, name) VALUES (gen_random_uuid(), 'raw') RETURNING tenant_id::text`,
        ),
      );
      if (created[0]?.tenant_id !== x.id) problems.push(`INSERT without tenant_id got ${JSON.stringify(created)}`);
      expect(await planeSnapshot(x, ghost)).toBe(ghostBefore);
      // Not vacuous: the owner sees the ghost rows the app role could not.
      expect(Object.values(await planeCounts(x, ghost)).every((n) => n > 0)).toBe(true);
      console.log(
        `attack suite [${database.kind}] raw SQL inside the ${level} level: ${TENANT_PLANE_MODELS.length} tables, ${problems.length} leaks`,
      );
      expect(problems).toEqual([]);
    });
  }

  it("schema: the app role in one schema tenant's transaction sees nothing of another schema or the shared tables", async () => {
    await prepare();
    const x = tenant("schema", 1);
    const y = tenant("schema", 2);
    const shared = tenant("shared_database", 2);
    for (const spec of TENANT_PLANE_MODELS) {
      for (const holder of [y, shared]) {
        const rows = await asAppRole(x, x.id, (tx) =>
          tx.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM ${qualified(holder, spec.table)}`),
        );
        expect(rows[0].n, `${planeSchema(holder)}.${spec.table} as ${x.slug}`).toBe(0);
        // Not vacuous: the owner sees that tenant's rows there.
        expect((await planeCounts(holder, holder.id))[spec.table]).toBeGreaterThan(0);
      }
    }
  });

  for (const level of ["schema", "database"] as const) {
    it(`${level}: every table of a ${level} tenant has RLS enabled and forced with a policy, the app role bypasses nothing`, async () => {
      await prepare();
      const x = tenant(level, 1);
      const schema = planeSchema(x);
      const rows = await withPlane(
        x,
        (plain) =>
          plain.$queryRaw<
            {
              relname: string;
              relrowsecurity: boolean;
              relforcerowsecurity: boolean;
              policies: number;
              has_tenant_id: boolean;
            }[]
          >`
          SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                 (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
                 EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS has_tenant_id
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
           ORDER BY c.relname`,
      );
      // Exactly the tenant-plane tables: no control-plane table in a tenant's schema or database.
      expect(rows.map((r) => r.relname)).toEqual(TENANT_PLANE_MODELS.map((m) => m.table).sort());
      for (const row of rows) {
        expect(row, `${schema}.${row.relname}`).toEqual({
          relname: row.relname,
          relrowsecurity: true,
          relforcerowsecurity: true,
          policies: 1,
          has_tenant_id: true,
        });
      }
      const [role] = await withPlane(
        x,
        (plain) =>
          plain.$queryRaw<{ rolsuper: boolean; rolbypassrls: boolean }[]>`
          SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ${APP_ROLE}`,
      );
      expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
      const owned = await withPlane(
        x,
        (plain) =>
          plain.$queryRaw<
            { relname: string }[]
          >`SELECT relname FROM pg_class WHERE pg_get_userbyid(relowner) = ${APP_ROLE}`,
      );
      expect(owned).toEqual([]);
      if (level === "database" && database.kind === "postgres") {
        // Its own database on the main server (on PGlite, its own data directory: the table
        // list above, without the control plane's tables, already shows it is not the main one).
        const [{ db }] = await withPlane(
          x,
          (plain) => plain.$queryRaw<{ db: string }[]>`SELECT current_database() AS db`,
        );
        expect(db).toBe(`t_${x.id.replaceAll("-", "")}`);
      }
    });
  }

  it("0 leaks over every level pair", () => {
    const total = [...tally.values()].reduce((sum, t) => sum + t.attacks, 0);
    expect(tally.size).toBe(9);
    expect(total).toBeGreaterThan(0);
    expect([...tally.values()].flatMap((t) => t.leaks)).toEqual([]);
  });
});
