import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { expect, it } from "vitest";
import { scopedTenantClient, tenantTransaction, type ScopedTenantClient } from "@/lib/tenancy/scoped-client";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import { asTenant, describeIsolation } from "../support/isolation";

/**
 * Property: for random sequences of (tenant, operation, target id) across 3 tenants
 * through the scoped client, no operation ever returns or changes another tenant's row.
 * A model of the expected rows per tenant is kept alongside; every result is checked
 * against it, and the database's actual rows (read through the unscoped client) must
 * equal the model after each sequence. Target ids are drawn from every tenant's ids.
 */

const RUNS = Number(process.env.ISOLATION_PROPERTY_RUNS ?? 50);

const KINDS = [
  "create",
  "findUnique",
  "findFirst",
  "findMany",
  "update",
  "updateMany",
  "upsert",
  "delete",
  "deleteMany",
  "count",
  "transaction",
] as const;
type Kind = (typeof KINDS)[number];

interface Op {
  tenant: number;
  kind: Kind;
  target: number;
  value: string;
}

const opArbitrary: fc.Arbitrary<Op> = fc.record({
  tenant: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom(...KINDS),
  target: fc.nat(),
  value: fc.string({ maxLength: 12 }),
});

describeIsolation("property: random cross-tenant operation sequences", (database) => {
  it(`no operation observes or changes another tenant's row (${RUNS} runs)`, async () => {
    const plain: TenantPlaneClient = await database.plain();
    const scoped = await scopedTenantClient();
    let operations = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: 25 }), async (ops) => {
        const tenants = [randomUUID(), randomUUID(), randomUUID()];
        const model = tenants.map(() => new Map<string, string | null>()); // id → notes
        const owner = new Map<string, number>();
        const ids: string[] = [];

        for (const op of ops) {
          operations++;
          const t = op.tenant;
          const tenantId = tenants[t];
          const target = ids.length ? ids[op.target % ids.length] : randomUUID();
          const targetOwner = owner.get(target) ?? t;
          const isOwn = targetOwner === t && model[t].has(target);
          // The attacker uses the owner's full key: the strongest form of the request.
          const key = { tenantId_id: { tenantId: tenants[targetOwner], id: target } };
          const notOwn = (row: { tenantId?: string } | null | undefined) => row != null && row.tenantId !== tenantId;
          const rowsMatch = (rows: { id: string; tenantId: string; notes: string | null }[]) => {
            expect(rows.every((r) => r.tenantId === tenantId)).toBe(true);
            expect(new Map(rows.map((r) => [r.id, r.notes]))).toEqual(model[t]);
          };

          await asTenant(tenantId, async () => {
            const db: ScopedTenantClient = scoped;
            switch (op.kind) {
              case "create": {
                const row = await db.customer.create({ data: { name: "p", notes: op.value } });
                expect(row.tenantId).toBe(tenantId);
                model[t].set(row.id, op.value);
                owner.set(row.id, t);
                ids.push(row.id);
                break;
              }
              case "findUnique": {
                const row = await db.customer.findUnique({ where: key });
                expect(notOwn(row)).toBe(false);
                expect(row?.id ?? null).toBe(isOwn ? target : null);
                break;
              }
              case "findFirst": {
                const row = await db.customer.findFirst({
                  where: { OR: [{ id: target }, { tenantId: tenants[targetOwner] }] },
                });
                expect(notOwn(row)).toBe(false);
                break;
              }
              case "findMany":
                rowsMatch(await db.customer.findMany());
                break;
              case "update": {
                const outcome = await db.customer.update({ where: key, data: { notes: op.value } }).then(
                  (row) => row,
                  () => null,
                );
                expect(notOwn(outcome)).toBe(false);
                expect(outcome !== null).toBe(isOwn);
                if (isOwn) model[t].set(target, op.value);
                break;
              }
              case "updateMany": {
                const { count } = await db.customer.updateMany({ where: { id: target }, data: { notes: op.value } });
                expect(count).toBe(isOwn ? 1 : 0);
                if (isOwn) model[t].set(target, op.value);
                break;
              }
              case "upsert": {
                const row = await db.customer.upsert({
                  where: key,
                  create: { name: "u", notes: op.value },
                  update: { notes: op.value },
                });
                expect(row.tenantId).toBe(tenantId);
                if (isOwn) expect(row.id).toBe(target);
                else {
                  expect(row.id).not.toBe(target);
                  owner.set(row.id, t);
                  ids.push(row.id);
                }
                model[t].set(row.id, op.value);
                break;
              }
              case "delete": {
                const outcome = await db.customer.delete({ where: key }).then(
                  (row) => row,
                  () => null,
                );
                expect(notOwn(outcome)).toBe(false);
                expect(outcome !== null).toBe(isOwn);
                if (isOwn) model[t].delete(target);
                break;
              }
              case "deleteMany": {
                const { count } = await db.customer.deleteMany({ where: { id: { in: [target] } } });
                expect(count).toBe(isOwn ? 1 : 0);
                if (isOwn) model[t].delete(target);
                break;
              }
              case "count":
                expect(await db.customer.count({ where: { tenantId: tenants[targetOwner] } })).toBe(model[t].size);
                break;
              case "transaction": {
                // A unit of work that writes then fails: nothing of it may remain, in any tenant.
                await tenantTransaction(async (tx) => {
                  await tx.customer.updateMany({ data: { notes: "rolled back" } });
                  await tx.customer.deleteMany({ where: { id: target } });
                  throw new Error("abort");
                }).catch((error: unknown) => expect(String(error)).toContain("abort"));
                break;
              }
            }
          });
        }

        // The database agrees with the model, tenant by tenant.
        for (let t = 0; t < tenants.length; t++) {
          const rows = await plain.customer.findMany({ where: { tenantId: tenants[t] } });
          expect(new Map(rows.map((r) => [r.id, r.notes]))).toEqual(model[t]);
        }
      }),
      {
        numRuns: RUNS,
        seed: process.env.ISOLATION_PROPERTY_SEED ? Number(process.env.ISOLATION_PROPERTY_SEED) : undefined,
      },
    );
    console.log(`attack suite [${database.kind}] property: ${RUNS} runs, ${operations} operations, 0 leaks`);
  });
});
