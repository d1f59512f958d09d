import { expect, it } from "vitest";
import { tenantTransaction } from "@/lib/tenancy/scoped-client";
import { asTenant, describeIsolation, TENANT_A } from "../support/isolation";

/**
 * A query RETURNED (not awaited) from tenantTransaction's callback must still run inside
 * that transaction. Prisma's promises are lazy: if tenantTransaction lets the callback's
 * result leave its AsyncLocalStorage scope before `then` is called, the query opens a
 * second transaction on a second connection: it cannot see the unit's own uncommitted
 * writes, costs a second BEGIN/set_config/COMMIT, and on PGlite (one connection) waits
 * for the outer transaction that waits for it.
 */
describeIsolation("tenantTransaction keeps returned queries inside the transaction", () => {
  it("a returned findMany sees the unit's own uncommitted create", async () => {
    const name = `returned-${Date.now()}`;
    const rows = await asTenant(TENANT_A.id, () =>
      tenantTransaction(
        async (db) => {
          await db.customer.create({ data: { name } });
          return db.customer.findMany({ where: { name } });
        },
        { timeoutMs: 5_000 },
      ),
    );
    expect(rows.map((r) => r.name)).toEqual([name]);
  });

  it("a query returned by a plain (non-async) callback runs in the same transaction", async () => {
    // With the bug: a second transaction; on PGlite it waits for the one connection,
    // held by the outer transaction, until Prisma's maxWait (P2028).
    const rows = await asTenant(TENANT_A.id, () =>
      tenantTransaction((db) => db.customer.findMany({ take: 1 }), { timeoutMs: 5_000 }),
    );
    expect(rows.every((r) => r.tenantId === TENANT_A.id)).toBe(true);
  });
});
