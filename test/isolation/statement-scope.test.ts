import { expect, it } from "vitest";
import { mainConnection } from "@/lib/db/connection";
import { runScopedStatement } from "@/lib/db/statement-scope";
import { APP_ROLE, scopedTenantClient, tenantTransaction } from "@/lib/tenancy/scoped-client";
import { asTenant, createFixture, describeIsolation, TENANT_A, TENANT_B, TENANT_C } from "../support/isolation";

/**
 * Reads outside a unit of work, and a unit's reads before its first write, go to a
 * PostgreSQL server as one pipelined implicit transaction: set_config(tenant, role) and
 * the query, then Sync (lib/db/statement-scope.ts). These tests attack that path: the
 * setting must hold for exactly that query, RLS alone must filter it, concurrent and
 * same-tick requests must never see each other's tenant, and a unit of work must still
 * commit or roll back its writes together. On PGlite the same calls take the transaction
 * path and the same expectations hold.
 */
describeIsolation("scoped reads as single pipelined statements", (db) => {
  async function sessionState(): Promise<{ tenant: string | null; role: string }[]> {
    const connection = await mainConnection();
    const sql = "SELECT current_setting('app.tenant_id', true) AS tenant, current_user AS role";
    if (connection.mode === "server") {
      // Every idle connection of the pool, not just one: check them all at once.
      const clients = await Promise.all(
        Array.from({ length: Math.min(connection.pool.totalCount || 1, connection.config.poolMax) }, () =>
          connection.pool.connect(),
        ),
      );
      try {
        return await Promise.all(
          clients.map(async (c) => (await c.query<{ tenant: string | null; role: string }>(sql)).rows[0]),
        );
      } finally {
        for (const c of clients) c.release();
      }
    }
    return (await connection.pglite.query<{ tenant: string | null; role: string }>(sql)).rows;
  }

  it("a scoped read leaves neither the tenant nor the app role on any connection", async () => {
    const scoped = await scopedTenantClient();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        asTenant([TENANT_A, TENANT_B, TENANT_C][i % 3].id, () => scoped.customer.findMany({ take: 5 })),
      ),
    );
    for (const state of await sessionState()) {
      expect(state.tenant ?? "").toBe("");
      expect(state.role).not.toBe(APP_ROLE);
    }
  });

  it("row level security alone filters the pipelined statement (no tenant filter in the query)", async () => {
    const plain = await db.plain();
    await createFixture(plain, TENANT_A.id);
    await createFixture(plain, TENANT_B.id);
    const connection = await mainConnection();
    // The unscoped client, no where clause: only the pipelined setting + RLS can filter.
    const rows = await runScopedStatement({ tenantId: TENANT_A.id, role: APP_ROLE }, async () =>
      plain.customer.findMany({ select: { tenantId: true } }),
    );
    if (connection.mode === "server") {
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set([TENANT_A.id]));
    } else {
      // PGlite has no pipelined path: the statement runs as the owner, unfiltered — which
      // is why the scoped client never uses runScopedStatement there.
      expect(new Set(rows.map((r) => r.tenantId)).size).toBeGreaterThan(1);
    }
  });

  it("same-tick findUnique calls of different tenants each get their own row, never another's", async () => {
    const plain = await db.plain();
    const tenants = [TENANT_A, TENANT_B, TENANT_C];
    const fixtures = await Promise.all(tenants.map((t) => createFixture(plain, t.id)));
    const scoped = await scopedTenantClient();
    // Same tick: Prisma would batch plain findUnique calls into one query.
    const own = await Promise.all(
      tenants.map((t, i) =>
        asTenant(t.id, () =>
          scoped.customer.findUnique({ where: { tenantId_id: { tenantId: t.id, id: fixtures[i].customer } } }),
        ),
      ),
    );
    own.forEach((row, i) => expect(row?.tenantId).toBe(tenants[i].id));
    const foreign = await Promise.all(
      tenants.map((t, i) =>
        asTenant(t.id, () =>
          scoped.customer.findUnique({
            where: { tenantId_id: { tenantId: tenants[(i + 1) % 3].id, id: fixtures[(i + 1) % 3].customer } },
          }),
        ),
      ),
    );
    expect(foreign).toEqual([null, null, null]);
    await expect(
      asTenant(TENANT_A.id, () =>
        scoped.customer.findUniqueOrThrow({
          where: { tenantId_id: { tenantId: TENANT_B.id, id: fixtures[1].customer } },
        }),
      ),
    ).rejects.toMatchObject({ code: "P2025" });
  });

  it("a failing pipelined read leaves the connection usable and unscoped", async () => {
    const scoped = await scopedTenantClient();
    await expect(
      asTenant(TENANT_A.id, () =>
        // A cursor on a row that does not exist is fine; an invalid uuid is a database error.
        scoped.customer.findMany({ where: { id: "not-a-uuid" } }),
      ),
    ).rejects.toThrow();
    const rows = await asTenant(TENANT_A.id, () => scoped.customer.findMany({ take: 3 }));
    expect(rows.every((r) => r.tenantId === TENANT_A.id)).toBe(true);
    for (const state of await sessionState()) expect(state.role).not.toBe(APP_ROLE);
  });

  it("a unit of work reads outside until its first write, then sees its own writes, and a throw rolls them back", async () => {
    const name = `uow-${Date.now()}`;
    const failure = new Error("abort the unit");
    await expect(
      asTenant(TENANT_A.id, () =>
        tenantTransaction(async (scoped) => {
          expect(await scoped.customer.count({ where: { name } })).toBe(0);
          await scoped.customer.create({ data: { name } });
          await scoped.customer.create({ data: { name } });
          // After the first write every operation joins the transaction: its own rows are visible.
          expect(await scoped.customer.count({ where: { name } })).toBe(2);
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);
    const after = await asTenant(TENANT_A.id, async () =>
      (await scopedTenantClient()).customer.count({ where: { name } }),
    );
    expect(after).toBe(0);

    const committed = await asTenant(TENANT_A.id, () =>
      tenantTransaction(async (scoped) => {
        await scoped.customer.create({ data: { name } });
        return scoped.customer.findMany({ where: { name } });
      }),
    );
    expect(committed).toHaveLength(1);
  });

  it("a unit of work that only reads opens no transaction and still sees only its tenant", async () => {
    const plain = await db.plain();
    await createFixture(plain, TENANT_B.id);
    const rows = await asTenant(TENANT_A.id, () =>
      tenantTransaction(async (scoped) => {
        const [customers, invoices] = await Promise.all([
          scoped.customer.findMany({ take: 50 }),
          scoped.invoice.findMany({ take: 50, include: { lines: true } }),
        ]);
        return [...customers, ...invoices, ...invoices.flatMap((i) => i.lines)];
      }),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenantId === TENANT_A.id)).toBe(true);
  });
});
