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
  snapshotTenant,
  stable,
  TENANT_A,
  TENANT_B,
  TENANT_PLANE_MODELS,
  type Fixture,
} from "../support/isolation";
import { attacksFor, isEmpty, minimalArgs, OPERATIONS, type AttackContext } from "../support/levels";

/**
 * The cross-tenant attack suite at the model level, generated from TENANT_PLANE_MODELS:
 * tenant A (acme) runs every operation of the scoped client against tenant B's (globex)
 * row ids, through every relation of every model. An attack LEAKS when A observes any of
 * B's rows (any B id or foreign tenantId anywhere in the result), when any of B's rows
 * differs afterwards (read through the unscoped client before and after), or when a write
 * that must be refused is not. The attacks are generated in test/support/levels.ts, which
 * test/isolation-levels/levels-attacks.test.ts also runs between tenants of every isolation level.
 */

const A = TENANT_A.id;
const B = TENANT_B.id;

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
        const ctx: AttackContext = { attacker: A, victim: B, a, b, bIds, plain };
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
          [op](minimalArgs(spec, op, B))
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
