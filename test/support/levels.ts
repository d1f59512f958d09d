import { randomBytes, randomUUID } from "node:crypto";
import { quoteIdent } from "@/lib/db/sql";
import { Prisma } from "@/lib/generated/tenant/client";
import { runInTenantContext, type IsolationLevel, type TenantContext } from "@/lib/tenancy/context";
import { acquireTenantPlane } from "@/lib/tenancy/isolation/planes";
import { schemaNameFor } from "@/lib/tenancy/isolation/strategy";
import { provisionTenant } from "@/lib/tenancy/provisioning";
import { tenantTransaction, type ScopedTenantClient } from "@/lib/tenancy/scoped-client";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import {
  delegate,
  modelSpec,
  nextSeq,
  TENANT_PLANE_MODELS,
  type Fixture,
  type TenantPlaneModelSpec,
} from "./isolation";

/**
 * The cross-tenant attack suite, shared by the shared-table suite (test/isolation/
 * model-attacks.test.ts) and the isolation-level suite (test/isolation-levels/levels-*.test.ts).
 *
 * `attacksFor(spec)` generates every model-level attack on one model of TENANT_PLANE_MODELS:
 * the attacker runs each operation of the scoped client with the victim's ids, through every
 * relation. The attacker and the victim are named by the context (`attacker`, `victim`), so
 * the same attacks run between two tenants of the shared tables and between tenants whose
 * rows live in different planes (a schema of their own, a database of their own).
 */

// ──────────────────────────────────────────────────────────────────────────── attacks

export type Expectation =
  /** must throw */
  | "refused"
  /** throws, or returns nothing (null, [], 0, { count: 0 }, _count._all 0) */
  | "empty"
  /** may succeed, touching and returning only the attacker's rows */
  | "own";

export interface AttackContext {
  /** Tenant id of the attacker (the tenant context the attack runs in). */
  attacker: string;
  /** Tenant id of the victim. */
  victim: string;
  /** The attacker's fresh rows, one per model. */
  a: Fixture;
  /** The victim's rows, one per model. */
  b: Fixture;
  /** Every id of the victim in this attack's model. */
  bIds: string[];
  /** The UNSCOPED client of the attacker's plane (its tables: shared, its schema or its database). */
  plain: TenantPlaneClient;
}

export interface Attack {
  label: string;
  expect: Expectation;
  run(db: ScopedTenantClient, ctx: AttackContext): Promise<unknown>;
  /** Extra check of a successful result; returns a problem or null. */
  check?(result: unknown, ctx: AttackContext): Promise<string | null>;
}

export const OPERATIONS = [
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "create",
  "createMany",
  "createManyAndReturn",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
  "count",
  "aggregate",
  "groupBy",
] as const;

export type Operation = (typeof OPERATIONS)[number];

function omit(data: Record<string, unknown>, key?: string): Record<string, unknown> {
  const { [key ?? ""]: _dropped, ...rest } = data;
  return rest;
}

export function isEmpty(result: unknown): boolean {
  if (result === null || result === undefined || result === 0) return true;
  if (Array.isArray(result)) return result.length === 0;
  if (typeof result === "object") {
    const r = result as { count?: unknown; _count?: { _all?: unknown } };
    if (r.count === 0) return true;
    if (r._count && r._count._all === 0) return true;
  }
  return false;
}

/** Every attack against one model; a new model in TENANT_PLANE_MODELS gets all of them. */
export function attacksFor(spec: TenantPlaneModelSpec): Attack[] {
  const m = spec.name;
  const d = (db: ScopedTenantClient) => delegate(db, m);
  const keyB = (c: AttackContext) => ({ tenantId_id: { tenantId: c.victim, id: c.b[m] } });
  const keyA = (c: AttackContext) => ({ tenantId_id: { tenantId: c.attacker, id: c.a[m] } });
  const make = (c: AttackContext) => spec.make(c.a, nextSeq());
  const countA = async (c: AttackContext) =>
    (await delegate(c.plain, m).count({ where: { tenantId: c.attacker } })) as number;

  const attacks: Attack[] = [
    // --- reads
    { label: "findUnique B's key", expect: "empty", run: (db, c) => d(db).findUnique({ where: keyB(c) }) },
    {
      label: "findUnique A's tenant with B's id",
      expect: "empty",
      run: (db, c) => d(db).findUnique({ where: { tenantId_id: { tenantId: c.attacker, id: c.b[m] } } }),
    },
    {
      label: "findUniqueOrThrow B's key",
      expect: "refused",
      run: (db, c) => d(db).findUniqueOrThrow({ where: keyB(c) }),
    },
    { label: "findFirst B's id", expect: "empty", run: (db, c) => d(db).findFirst({ where: { id: c.b[m] } }) },
    {
      label: "findFirst tenantId B",
      expect: "own",
      run: (db, c) => d(db).findFirst({ where: { tenantId: c.victim } }),
    },
    {
      label: "findFirstOrThrow B's id",
      expect: "refused",
      run: (db, c) => d(db).findFirstOrThrow({ where: { id: c.b[m] } }),
    },
    {
      label: "findMany, no where",
      expect: "own",
      run: (db) => d(db).findMany(),
      check: async (r, c) =>
        (r as unknown[]).length === (await countA(c)) ? null : "findMany did not return exactly A's rows",
    },
    {
      label: "findMany tenantId B",
      expect: "own",
      run: (db, c) => d(db).findMany({ where: { tenantId: c.victim } }),
    },
    {
      label: "findMany id in B's ids",
      expect: "empty",
      run: (db, c) => d(db).findMany({ where: { id: { in: c.bIds } } }),
    },
    {
      label: "findMany OR [tenantId B, B's id]",
      expect: "own",
      run: (db, c) => d(db).findMany({ where: { OR: [{ tenantId: c.victim }, { id: c.b[m] }] } }),
    },
    {
      label: "findMany NOT tenantId A",
      expect: "own",
      run: (db, c) => d(db).findMany({ where: { NOT: { tenantId: c.attacker } } }),
    },
    {
      label: "findMany tenantId in [A, B]",
      expect: "own",
      run: (db, c) => d(db).findMany({ where: { tenantId: { in: [c.attacker, c.victim] } } }),
    },
    // --- creates
    {
      label: "create with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).create({ data: { ...make(c), tenantId: c.victim } }),
    },
    {
      label: "createMany with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createMany({ data: [{ ...make(c), tenantId: c.victim }] }),
    },
    {
      label: "createMany, one of two rows tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createMany({ data: [make(c), { ...make(c), tenantId: c.victim }] }),
    },
    {
      label: "createManyAndReturn with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createManyAndReturn({ data: [{ ...make(c), tenantId: c.victim }] }),
    },
    // --- updates
    { label: "update B's key", expect: "refused", run: (db, c) => d(db).update({ where: keyB(c), data: spec.change }) },
    {
      label: "update own row to tenantId B",
      expect: "refused",
      run: (db, c) => d(db).update({ where: keyA(c), data: { tenantId: c.victim } }),
    },
    {
      label: "update own row to tenantId { set: B }",
      expect: "refused",
      run: (db, c) => d(db).update({ where: keyA(c), data: { tenantId: { set: c.victim } } }),
    },
    {
      label: "updateMany B's id",
      expect: "empty",
      run: (db, c) => d(db).updateMany({ where: { id: c.b[m] }, data: spec.change }),
    },
    {
      label: "updateMany tenantId B",
      expect: "own",
      run: (db, c) => d(db).updateMany({ where: { tenantId: c.victim }, data: spec.change }),
    },
    { label: "updateMany, no where", expect: "own", run: (db) => d(db).updateMany({ data: spec.change }) },
    {
      label: "updateMany set tenantId B",
      expect: "refused",
      run: (db, c) => d(db).updateMany({ data: { tenantId: c.victim } }),
    },
    {
      label: "updateManyAndReturn B's ids",
      expect: "empty",
      run: (db, c) => d(db).updateManyAndReturn({ where: { id: { in: c.bIds } }, data: spec.change }),
    },
    {
      label: "upsert B's key (creates A's row)",
      expect: "own",
      run: (db, c) => d(db).upsert({ where: keyB(c), create: make(c), update: spec.change }),
    },
    {
      label: "upsert, create with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).upsert({ where: keyB(c), create: { ...make(c), tenantId: c.victim }, update: spec.change }),
    },
    {
      label: "upsert own row, update to tenantId B",
      expect: "refused",
      run: (db, c) => d(db).upsert({ where: keyA(c), create: make(c), update: { tenantId: c.victim } }),
    },
    // --- deletes
    { label: "delete B's key", expect: "refused", run: (db, c) => d(db).delete({ where: keyB(c) }) },
    {
      label: "deleteMany B's ids",
      expect: "empty",
      run: (db, c) => d(db).deleteMany({ where: { id: { in: c.bIds } } }),
    },
    {
      label: "deleteMany tenantId B",
      expect: "own",
      run: (db, c) => d(db).deleteMany({ where: { tenantId: c.victim } }),
    },
    // --- aggregates
    { label: "count B's ids", expect: "empty", run: (db, c) => d(db).count({ where: { id: { in: c.bIds } } }) },
    {
      label: "count tenantId B",
      expect: "own",
      run: (db, c) => d(db).count({ where: { tenantId: c.victim } }),
      check: async (r, c) => (r === (await countA(c)) ? null : `count ${String(r)} is not A's count`),
    },
    {
      label: "aggregate B's ids",
      expect: "empty",
      run: (db, c) => d(db).aggregate({ where: { id: { in: c.bIds } }, _count: { _all: true } }),
    },
    {
      label: "aggregate, no where",
      expect: "own",
      run: (db) => d(db).aggregate({ _count: { _all: true } }),
      check: async (r, c) =>
        (r as { _count: { _all: number } })._count._all === (await countA(c))
          ? null
          : "aggregate counted another tenant's rows",
    },
    {
      label: "groupBy tenantId",
      expect: "own",
      run: (db) => d(db).groupBy({ by: ["tenantId"], _count: { _all: true } }),
      check: async (r) => ((r as unknown[]).length <= 1 ? null : "groupBy returned several tenants"),
    },
    {
      label: "groupBy id in B's ids",
      expect: "empty",
      run: (db, c) => d(db).groupBy({ by: ["id"], where: { id: { in: c.bIds } } }),
    },
  ];

  for (const rel of spec.relations) {
    const t = rel.target;
    const relKeyB = (c: AttackContext) => ({ tenantId_id: { tenantId: c.victim, id: c.b[t] } });
    const makeTarget = (c: AttackContext) => omit(modelSpec(t).make(c.a, nextSeq()), rel.backFk);
    const via = `${m}.${rel.field}`;
    if (rel.kind === "one") {
      attacks.push(
        {
          label: `create with ${rel.fk} = B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).create({ data: { ...make(c), [rel.fk!]: c.b[t] } }),
        },
        {
          label: `update own row, ${rel.fk} = B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.fk!]: c.b[t] } }),
        },
        {
          label: `update own row, ${via} connect B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { connect: relKeyB(c) } } }),
        },
        {
          label: `create, ${via} connect B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).create({ data: { ...omit(make(c), rel.fk), [rel.field]: { connect: relKeyB(c) } } }),
        },
        {
          label: `create, ${via} create with tenantId B`,
          expect: "refused",
          run: (db, c) =>
            d(db).create({
              data: {
                ...omit(make(c), rel.fk),
                [rel.field]: { create: { ...modelSpec(t).make(c.a, nextSeq()), tenantId: c.victim } },
              },
            }),
        },
        {
          label: `update own row, ${via} update`,
          expect: "own",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { update: modelSpec(t).change } } }),
        },
        {
          label: `findMany include ${via}`,
          expect: "own",
          run: (db) => d(db).findMany({ include: { [rel.field]: true } }),
        },
        {
          label: `findMany where ${via} is B's ${t}`,
          expect: "empty",
          run: (db, c) => d(db).findMany({ where: { [rel.field]: { is: { id: c.b[t] } } } }),
        },
        {
          label: `findMany where ${via}.tenantId B`,
          expect: "own",
          run: (db, c) => d(db).findMany({ where: { [rel.field]: { is: { tenantId: c.victim } } } }),
        },
      );
    } else {
      attacks.push(
        {
          label: `update own row, ${via} connect B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { connect: [relKeyB(c)] } } }),
        },
        {
          label: `update own row, ${via} connect A's tenant with B's ${t} id`,
          expect: "refused",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { connect: { tenantId_id: { tenantId: c.attacker, id: c.b[t] } } } },
            }),
        },
        {
          label: `update own row, ${via} connectOrCreate B's ${t}`,
          expect: "own",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { connectOrCreate: { where: relKeyB(c), create: makeTarget(c) } } },
            }),
        },
        {
          label: `update own row, ${via} set [B's ${t}]`,
          expect: "own",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { set: [relKeyB(c)] } } }),
        },
        {
          label: `update own row, ${via} disconnect B's ${t}`,
          expect: "own",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { disconnect: [relKeyB(c)] } } }),
        },
        {
          label: `update own row, ${via} delete B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { delete: [relKeyB(c)] } } }),
        },
        {
          label: `update own row, ${via} deleteMany B's ${t} id`,
          expect: "own",
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { deleteMany: [{ id: c.b[t] }] } } }),
        },
        {
          label: `update own row, ${via} deleteMany tenantId B`,
          expect: "own",
          run: (db, c) =>
            d(db).update({ where: keyA(c), data: { [rel.field]: { deleteMany: [{ tenantId: c.victim }] } } }),
        },
        {
          label: `update own row, ${via} update B's ${t}`,
          expect: "refused",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { update: [{ where: relKeyB(c), data: modelSpec(t).change }] } },
            }),
        },
        {
          label: `update own row, ${via} updateMany B's ${t} id`,
          expect: "own",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { updateMany: [{ where: { id: c.b[t] }, data: modelSpec(t).change }] } },
            }),
        },
        {
          label: `update own row, ${via} upsert B's ${t}`,
          expect: "own",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: {
                [rel.field]: { upsert: [{ where: relKeyB(c), create: makeTarget(c), update: modelSpec(t).change }] },
              },
            }),
        },
        {
          label: `update own row, ${via} create with tenantId B`,
          expect: "refused",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { create: [{ ...makeTarget(c), tenantId: c.victim }] } },
            }),
        },
        {
          label: `update own row, ${via} createMany with tenantId B`,
          expect: "refused",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { createMany: { data: [{ ...makeTarget(c), tenantId: c.victim }] } } },
            }),
        },
        {
          label: `create, ${via} connect B's ${t}`,
          expect: "refused",
          run: (db, c) => d(db).create({ data: { ...make(c), [rel.field]: { connect: [relKeyB(c)] } } }),
        },
        {
          label: `findMany include ${via} where tenantId B`,
          expect: "own",
          run: (db, c) => d(db).findMany({ include: { [rel.field]: { where: { tenantId: c.victim } } } }),
        },
        {
          label: `findMany include ${via}`,
          expect: "own",
          run: (db) => d(db).findMany({ include: { [rel.field]: true } }),
        },
        {
          label: `findMany where ${via} some B's ${t}`,
          expect: "empty",
          run: (db, c) => d(db).findMany({ where: { [rel.field]: { some: { id: c.b[t] } } } }),
        },
        {
          label: `findMany where ${via} some tenantId B`,
          expect: "own",
          run: (db, c) => d(db).findMany({ where: { [rel.field]: { some: { tenantId: c.victim } } } }),
        },
      );
    }
  }
  return attacks;
}

/** Minimal arguments of each operation naming `victim`, for the "outside a tenant context" attacks. */
export function minimalArgs(spec: TenantPlaneModelSpec, op: Operation, victim: string): unknown {
  const key = { tenantId_id: { tenantId: victim, id: "00000000-0000-4000-8000-000000000000" } };
  const data = spec.make({}, nextSeq());
  switch (op) {
    case "findUnique":
    case "findUniqueOrThrow":
    case "delete":
      return { where: key };
    case "create":
      return { data };
    case "createMany":
    case "createManyAndReturn":
      return { data: [data] };
    case "update":
      return { where: key, data: spec.change };
    case "updateMany":
    case "updateManyAndReturn":
      return { data: spec.change };
    case "upsert":
      return { where: key, create: data, update: spec.change };
    case "aggregate":
      return { _count: { _all: true } };
    case "groupBy":
      return { by: ["tenantId"] };
    default:
      return {};
  }
}

/** The problems of one attack's outcome (empty: no leak). `result` is ignored when `error` is set. */
export async function judgeAttack(
  attack: Attack,
  ctx: AttackContext,
  outcome: { result?: unknown; error?: unknown },
  foreignTrace: (value: unknown) => string | null,
): Promise<string[]> {
  const problems: string[] = [];
  if (outcome.error !== undefined) return problems;
  const trace = foreignTrace(outcome.result);
  if (trace) problems.push(`observed B: ${trace}`);
  const shown = () => JSON.stringify(outcome.result, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  if (attack.expect === "refused") problems.push(`not refused: ${shown().slice(0, 200)}`);
  if (attack.expect === "empty" && !isEmpty(outcome.result)) problems.push(`not empty: ${shown().slice(0, 200)}`);
  const extra = await attack.check?.(outcome.result, ctx);
  if (extra) problems.push(extra);
  return problems;
}

// ──────────────────────────────────────────────────────────────────────────── levels

export const LEVELS: readonly IsolationLevel[] = ["shared_database", "schema", "database"];

/** Short names for test titles and the attack tally. */
export const LEVEL_LABEL: Record<IsolationLevel, string> = {
  shared_database: "shared",
  schema: "schema",
  database: "database",
};

/** Every (attacker level, victim level) pair: 3 × 3 = 9, mixed pairs included. */
export function levelPairs(): Array<{ attacker: IsolationLevel; victim: IsolationLevel }> {
  return LEVELS.flatMap((attacker) => LEVELS.map((victim) => ({ attacker, victim })));
}

export interface LevelTenant {
  id: string;
  slug: string;
  level: IsolationLevel;
  context: TenantContext;
}

/**
 * Provisions a tenant at `level` through the real path (provisionTenant: control rows,
 * the level's schema or database, migrations, sample data) and returns it active.
 */
export async function provisionAtLevel(level: IsolationLevel, label: string): Promise<LevelTenant> {
  const slug = `lv-${label}-${randomBytes(4).toString("hex")}`;
  const result = await provisionTenant({
    name: `Levels ${label}`,
    slug,
    tier: "professional",
    ownerEmail: `owner@${slug}.test`,
    isolationLevel: level,
  });
  if (result.status !== "active") {
    throw new Error(`Provisioning ${slug} at ${level} failed at ${result.failedStep}: ${result.reason}`);
  }
  return {
    id: result.tenantId,
    slug,
    level,
    context: {
      tenant: { id: result.tenantId, slug, isolationLevel: level, tier: "professional", features: {} },
      actor: { type: "system", reason: "isolation level test" },
    },
  };
}

/** Runs fn in the tenant's context (the scoped client reads it and routes to its plane). */
export function asLevelTenant<T>(tenant: LevelTenant, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext(tenant.context, fn);
}

/** The UNSCOPED client of the tenant's plane, for the duration of fn (a lease of its database). */
export async function withPlane<T>(tenant: LevelTenant, fn: (plain: TenantPlaneClient) => Promise<T>): Promise<T> {
  const lease = await acquireTenantPlane({ id: tenant.id, isolationLevel: tenant.level });
  try {
    return await fn(lease.client);
  } finally {
    lease.release();
  }
}

/** Schema holding the tenant's tables in its plane's database. */
export function planeSchema(tenant: LevelTenant): string {
  return tenant.level === "schema" ? schemaNameFor(tenant.id) : "public";
}

/** Whether two tenants' rows live in the same tables. */
export function samePlane(a: LevelTenant, b: LevelTenant): boolean {
  return a.level === "shared_database" && b.level === "shared_database";
}

/** One row of every tenant-plane model, created through the SCOPED client in the tenant's context. */
export function createScopedFixture(tenant: LevelTenant): Promise<Fixture> {
  return asLevelTenant(tenant, () =>
    tenantTransaction(async (db) => {
      const ids: Partial<Fixture> = {};
      for (const spec of TENANT_PLANE_MODELS) {
        const row = (await delegate(db, spec.name).create({ data: spec.make(ids, nextSeq()) })) as {
          id: string;
          tenantId: string;
        };
        if (row.tenantId !== tenant.id) throw new Error(`${spec.name} created for ${row.tenantId}, not ${tenant.id}`);
        ids[spec.name] = row.id;
      }
      return ids as Fixture;
    }),
  );
}

/** A qualified table of the tenant's plane, for raw SQL ("schema"."table"; names are fixed, never input). */
export function qualified(tenant: LevelTenant, table: string): Prisma.Sql {
  return Prisma.raw(`${quoteIdent(planeSchema(tenant))}.${quoteIdent(table)}`);
}

/**
 * Every row of `tenantId` in every tenant-plane table of `holder`'s plane, with its tuple
 * version (xmin changes on any UPDATE, even one that writes the same values), as one string:
 * one query, read as the owner (RLS does not apply to the superuser tests connect as).
 */
export async function planeSnapshot(holder: LevelTenant, tenantId: string): Promise<string> {
  const columns = TENANT_PLANE_MODELS.map(
    (spec) =>
      Prisma.sql`(SELECT coalesce(json_agg(json_build_object('v', t.xmin::text, 'row', to_jsonb(t)) ORDER BY t.id), '[]'::json)::text
                    FROM ${qualified(holder, spec.table)} t WHERE t.tenant_id = ${tenantId}::uuid) AS ${Prisma.raw(quoteIdent(spec.table))}`,
  );
  const rows = await withPlane(holder, (plain) =>
    plain.$queryRaw<Record<string, string>[]>(Prisma.sql`SELECT ${Prisma.join(columns, ", ")}`),
  );
  return JSON.stringify(rows[0]);
}

/** Counts of `tenantId`'s rows per table in `holder`'s plane. */
export async function planeCounts(holder: LevelTenant, tenantId: string): Promise<Record<string, number>> {
  const columns = TENANT_PLANE_MODELS.map(
    (spec) =>
      Prisma.sql`(SELECT count(*)::int FROM ${qualified(holder, spec.table)} t WHERE t.tenant_id = ${tenantId}::uuid) AS ${Prisma.raw(quoteIdent(spec.table))}`,
  );
  const rows = await withPlane(holder, (plain) =>
    plain.$queryRaw<Record<string, number>[]>(Prisma.sql`SELECT ${Prisma.join(columns, ", ")}`),
  );
  return rows[0];
}

/** A tenant id that belongs to no tenant: rows planted with it must never surface anywhere. */
export function ghostTenantId(): string {
  return randomUUID();
}
