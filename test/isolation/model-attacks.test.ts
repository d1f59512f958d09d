import { afterAll, expect, it } from "vitest";
import { TenantContextMissingError } from "@/lib/tenancy/context";
import { scopedTenantClient, tenantTransaction, type ScopedTenantClient } from "@/lib/tenancy/scoped-client";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import {
  asTenant,
  createFixture,
  delegate,
  describeIsolation,
  foreignTrace,
  idsOf,
  nextSeq,
  modelSpec,
  snapshotTenant,
  stable,
  TENANT_A,
  TENANT_B,
  TENANT_PLANE_MODELS,
  type Fixture,
  type TenantPlaneModelSpec,
} from "../support/isolation";

/**
 * The cross-tenant attack suite at the model level, generated from TENANT_PLANE_MODELS:
 * tenant A (acme) runs every operation of the scoped client against tenant B's (globex)
 * row ids, through every relation of every model. An attack LEAKS when A observes any of
 * B's rows (any B id or foreign tenantId anywhere in the result), when any of B's rows
 * differs afterwards (read through the unscoped client before and after), or when a write
 * that must be refused is not.
 */

const A = TENANT_A.id;
const B = TENANT_B.id;

type Expectation =
  /** must throw */
  | "refused"
  /** throws, or returns nothing (null, [], 0, { count: 0 }, _count._all 0) */
  | "empty"
  /** may succeed, touching and returning only A's rows */
  | "own";

interface AttackContext {
  a: Fixture;
  b: Fixture;
  /** Every id of B in this attack's model. */
  bIds: string[];
  plain: TenantPlaneClient;
}

interface Attack {
  label: string;
  expect: Expectation;
  run(db: ScopedTenantClient, ctx: AttackContext): Promise<unknown>;
  /** Extra check of a successful result; returns a problem or null. */
  check?(result: unknown, ctx: AttackContext): Promise<string | null>;
}

const OPERATIONS = [
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

function omit(data: Record<string, unknown>, key?: string): Record<string, unknown> {
  const { [key ?? ""]: _dropped, ...rest } = data;
  return rest;
}

function isEmpty(result: unknown): boolean {
  if (result === null || result === undefined || result === 0) return true;
  if (Array.isArray(result)) return result.length === 0;
  if (typeof result === "object") {
    const r = result as { count?: unknown; _count?: { _all?: unknown } };
    if (r.count === 0) return true;
    if (r._count && r._count._all === 0) return true;
  }
  return false;
}

/** Every attack against one model; a new model in the list gets all of them. */
function attacksFor(spec: TenantPlaneModelSpec): Attack[] {
  const m = spec.name;
  const d = (db: ScopedTenantClient) => delegate(db, m);
  const keyB = (c: AttackContext) => ({ tenantId_id: { tenantId: B, id: c.b[m] } });
  const keyA = (c: AttackContext) => ({ tenantId_id: { tenantId: A, id: c.a[m] } });
  const make = (c: AttackContext) => spec.make(c.a, nextSeq());
  const countA = async (c: AttackContext) => (await delegate(c.plain, m).count({ where: { tenantId: A } })) as number;

  const attacks: Attack[] = [
    // --- reads
    { label: "findUnique B's key", expect: "empty", run: (db, c) => d(db).findUnique({ where: keyB(c) }) },
    {
      label: "findUnique A's tenant with B's id",
      expect: "empty",
      run: (db, c) => d(db).findUnique({ where: { tenantId_id: { tenantId: A, id: c.b[m] } } }),
    },
    {
      label: "findUniqueOrThrow B's key",
      expect: "refused",
      run: (db, c) => d(db).findUniqueOrThrow({ where: keyB(c) }),
    },
    { label: "findFirst B's id", expect: "empty", run: (db, c) => d(db).findFirst({ where: { id: c.b[m] } }) },
    { label: "findFirst tenantId B", expect: "own", run: (db) => d(db).findFirst({ where: { tenantId: B } }) },
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
    { label: "findMany tenantId B", expect: "own", run: (db) => d(db).findMany({ where: { tenantId: B } }) },
    {
      label: "findMany id in B's ids",
      expect: "empty",
      run: (db, c) => d(db).findMany({ where: { id: { in: c.bIds } } }),
    },
    {
      label: "findMany OR [tenantId B, B's id]",
      expect: "own",
      run: (db, c) => d(db).findMany({ where: { OR: [{ tenantId: B }, { id: c.b[m] }] } }),
    },
    {
      label: "findMany NOT tenantId A",
      expect: "own",
      run: (db) => d(db).findMany({ where: { NOT: { tenantId: A } } }),
    },
    {
      label: "findMany tenantId in [A, B]",
      expect: "own",
      run: (db) => d(db).findMany({ where: { tenantId: { in: [A, B] } } }),
    },
    // --- creates
    {
      label: "create with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).create({ data: { ...make(c), tenantId: B } }),
    },
    {
      label: "createMany with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createMany({ data: [{ ...make(c), tenantId: B }] }),
    },
    {
      label: "createMany, one of two rows tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createMany({ data: [make(c), { ...make(c), tenantId: B }] }),
    },
    {
      label: "createManyAndReturn with tenantId B",
      expect: "refused",
      run: (db, c) => d(db).createManyAndReturn({ data: [{ ...make(c), tenantId: B }] }),
    },
    // --- updates
    { label: "update B's key", expect: "refused", run: (db, c) => d(db).update({ where: keyB(c), data: spec.change }) },
    {
      label: "update own row to tenantId B",
      expect: "refused",
      run: (db, c) => d(db).update({ where: keyA(c), data: { tenantId: B } }),
    },
    {
      label: "update own row to tenantId { set: B }",
      expect: "refused",
      run: (db, c) => d(db).update({ where: keyA(c), data: { tenantId: { set: B } } }),
    },
    {
      label: "updateMany B's id",
      expect: "empty",
      run: (db, c) => d(db).updateMany({ where: { id: c.b[m] }, data: spec.change }),
    },
    {
      label: "updateMany tenantId B",
      expect: "own",
      run: (db) => d(db).updateMany({ where: { tenantId: B }, data: spec.change }),
    },
    { label: "updateMany, no where", expect: "own", run: (db) => d(db).updateMany({ data: spec.change }) },
    { label: "updateMany set tenantId B", expect: "refused", run: (db) => d(db).updateMany({ data: { tenantId: B } }) },
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
      run: (db, c) => d(db).upsert({ where: keyB(c), create: { ...make(c), tenantId: B }, update: spec.change }),
    },
    {
      label: "upsert own row, update to tenantId B",
      expect: "refused",
      run: (db, c) => d(db).upsert({ where: keyA(c), create: make(c), update: { tenantId: B } }),
    },
    // --- deletes
    { label: "delete B's key", expect: "refused", run: (db, c) => d(db).delete({ where: keyB(c) }) },
    {
      label: "deleteMany B's ids",
      expect: "empty",
      run: (db, c) => d(db).deleteMany({ where: { id: { in: c.bIds } } }),
    },
    { label: "deleteMany tenantId B", expect: "own", run: (db) => d(db).deleteMany({ where: { tenantId: B } }) },
    // --- aggregates
    { label: "count B's ids", expect: "empty", run: (db, c) => d(db).count({ where: { id: { in: c.bIds } } }) },
    {
      label: "count tenantId B",
      expect: "own",
      run: (db) => d(db).count({ where: { tenantId: B } }),
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
    const relKeyB = (c: AttackContext) => ({ tenantId_id: { tenantId: B, id: c.b[t] } });
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
                [rel.field]: { create: { ...modelSpec(t).make(c.a, nextSeq()), tenantId: B } },
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
          run: (db) => d(db).findMany({ where: { [rel.field]: { is: { tenantId: B } } } }),
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
              data: { [rel.field]: { connect: { tenantId_id: { tenantId: A, id: c.b[t] } } } },
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
          run: (db, c) => d(db).update({ where: keyA(c), data: { [rel.field]: { deleteMany: [{ tenantId: B }] } } }),
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
            d(db).update({ where: keyA(c), data: { [rel.field]: { create: [{ ...makeTarget(c), tenantId: B }] } } }),
        },
        {
          label: `update own row, ${via} createMany with tenantId B`,
          expect: "refused",
          run: (db, c) =>
            d(db).update({
              where: keyA(c),
              data: { [rel.field]: { createMany: { data: [{ ...makeTarget(c), tenantId: B }] } } },
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
          run: (db) => d(db).findMany({ include: { [rel.field]: { where: { tenantId: B } } } }),
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
          run: (db) => d(db).findMany({ where: { [rel.field]: { some: { tenantId: B } } } }),
        },
      );
    }
  }
  return attacks;
}

/** Minimal arguments of each operation, for the "outside a tenant context" attacks. */
function minimalArgs(spec: TenantPlaneModelSpec, op: (typeof OPERATIONS)[number]): unknown {
  const key = { tenantId_id: { tenantId: B, id: "00000000-0000-4000-8000-000000000000" } };
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

describeIsolation("cross-tenant model attacks", (database) => {
  const tally = { attacks: 0, leaks: [] as string[] };
  let plain: TenantPlaneClient;
  let scoped: ScopedTenantClient;
  let b: Fixture;

  const prepare = async () => {
    if (!plain) {
      plain = await database.plain();
      scoped = await scopedTenantClient();
      b = await createFixture(plain, B);
    }
  };

  afterAll(() => {
    console.log(`attack suite [${database.kind}] model level: ${tally.attacks} attacks, ${tally.leaks.length} leaks`);
    for (const leak of tally.leaks) console.log(`  LEAK ${leak}`);
  });

  for (const spec of TENANT_PLANE_MODELS) {
    for (const attack of attacksFor(spec)) {
      it(`${spec.name}: ${attack.label}`, async () => {
        await prepare();
        const a = await createFixture(plain, A);
        const before = await snapshotTenant(plain, B);
        const foreign = idsOf(before);
        const bIds = (before[spec.name] as { id: string }[]).map((row) => row.id);
        const ctx: AttackContext = { a, b, bIds, plain };
        let result: unknown;
        let error: unknown;
        try {
          result = await asTenant(A, () => attack.run(scoped, ctx));
        } catch (caught) {
          error = caught;
        }
        const problems: string[] = [];
        if (stable(await snapshotTenant(plain, B)) !== stable(before)) problems.push("B's rows changed");
        if (error === undefined) {
          const trace = foreignTrace(result, A, foreign);
          if (trace) problems.push(`observed B: ${trace}`);
          if (attack.expect === "refused") problems.push(`not refused: ${stable(result).slice(0, 200)}`);
          if (attack.expect === "empty" && !isEmpty(result))
            problems.push(`not empty: ${stable(result).slice(0, 200)}`);
          const extra = await attack.check?.(result, ctx);
          if (extra) problems.push(extra);
        }
        tally.attacks++;
        if (problems.length) tally.leaks.push(`${spec.name}: ${attack.label}: ${problems.join("; ")}`);
        expect(problems).toEqual([]);
      });
    }

    it(`${spec.name}: every operation outside a tenant context throws`, async () => {
      await prepare();
      const before = stable(await snapshotTenant(plain, B));
      const beforeA = stable(await snapshotTenant(plain, A));
      for (const op of OPERATIONS) {
        tally.attacks++;
        const outcome = await delegate(scoped, spec.name)
          [op](minimalArgs(spec, op))
          .then(
            () => "resolved",
            (error: unknown) =>
              error instanceof TenantContextMissingError ? "refused" : `other error: ${String(error)}`,
          );
        if (outcome !== "refused") tally.leaks.push(`${spec.name}.${op} outside a context: ${outcome}`);
        expect(outcome, `${spec.name}.${op}`).toBe("refused");
      }
      expect(stable(await snapshotTenant(plain, B))).toBe(before);
      expect(stable(await snapshotTenant(plain, A))).toBe(beforeA);
    });

    it(`${spec.name}: a throw inside tenantTransaction rolls every write back`, async () => {
      await prepare();
      const a = await createFixture(plain, A);
      const beforeA = stable(await snapshotTenant(plain, A));
      const sentinel = new Error("roll back");
      const outcome = await asTenant(A, () =>
        tenantTransaction(async (db) => {
          await delegate(db, spec.name).create({ data: spec.make(a, nextSeq()) });
          await delegate(db, spec.name).createMany({ data: [spec.make(a, nextSeq())] });
          if (!spec.appendOnly) {
            await delegate(db, spec.name).updateMany({ data: spec.change });
            expect(await delegate(db, spec.name).count()).toBeGreaterThan(0);
          }
          throw sentinel;
        }),
      ).catch((error: unknown) => error);
      expect(outcome).toBe(sentinel);
      expect(stable(await snapshotTenant(plain, A))).toBe(beforeA);
    });
  }

  it("0 leaks over the whole suite", () => {
    console.log(`attack suite [${database.kind}]: ${tally.attacks} attacks, ${tally.leaks.length} leaks`);
    expect(tally.attacks).toBeGreaterThan(0);
    expect(tally.leaks).toEqual([]);
  });
});
