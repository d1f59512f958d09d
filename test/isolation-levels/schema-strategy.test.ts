import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrate } from "@/lib/db/migrations";
import { pgExecutor, pgliteExecutor, type SqlExecutor } from "@/lib/db/sql";
import { PrismaClient, type Prisma } from "@/lib/generated/tenant/client";
import { schemaAdapterFor, type SchemaConnection } from "@/lib/tenancy/isolation/schema-adapter";
import { createSchemaStrategy, type SchemaStrategy } from "@/lib/tenancy/isolation/schema-strategy";
import { isTenantSchemaName, schemaNameFor } from "@/lib/tenancy/isolation/strategy";
import type { TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import { createPostgresDatabase, DATABASE_KINDS, dropPostgresDatabase, type DatabaseKind } from "../support/databases";

/**
 * Isolation level "schema" (lib/tenancy/isolation/): tenant-plane tables in schema t_<id>,
 * reached through per-schema Prisma clients over ONE shared pool / PGlite instance.
 */

const APP_ROLE = "logi_app";

describe("schemaNameFor", () => {
  it("is t_ plus the uuid without dashes, lower case", () => {
    expect(schemaNameFor("0A1B2C3D-4E5F-4a6b-8c7d-9e0f1a2b3c4d")).toBe("t_0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d");
    const id = randomUUID();
    expect(isTenantSchemaName(schemaNameFor(id))).toBe(true);
  });

  it.each([
    "",
    "public",
    "abc",
    "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
    `${randomUUID()}"; DROP SCHEMA public; --`,
    `x${randomUUID()}`,
  ])("refuses %j", (bad) => {
    expect(() => schemaNameFor(bad)).toThrow(/UUID/);
  });
});

interface Setup {
  connection: SchemaConnection;
  sql: SqlExecutor;
  close(): Promise<void>;
}

async function open(kind: DatabaseKind): Promise<Setup> {
  if (kind === "pglite") {
    const pglite = await PGlite.create();
    return {
      connection: { mode: "embedded", pglite },
      sql: pgliteExecutor(pglite),
      close: async () => {
        if (!pglite.closed) await pglite.close();
      },
    };
  }
  const { name, url } = await createPostgresDatabase();
  // ONE pool for every tenant schema's client; max 2 so sharing is really exercised.
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined);
  return {
    connection: { mode: "server", pool },
    sql: pgExecutor(pool),
    close: async () => {
      await pool.end();
      await dropPostgresDatabase(name);
    },
  };
}

/** As the app does: one transaction, tenant and role set locally (or neither when tenantId is null). */
function asTenant<T>(
  client: TenantPlaneClient,
  tenantId: string | null,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return client.$transaction(async (tx) => {
    if (tenantId) {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`;
    } else {
      await tx.$executeRaw`SELECT set_config('role', ${APP_ROLE}, true)`;
    }
    return fn(tx);
  });
}

async function count(sql: SqlExecutor, schema: string, table = "customers"): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".${table}`);
  return row?.n ?? -1;
}

async function schemaExists(sql: SqlExecutor, schema: string): Promise<boolean> {
  const [row] = await sql.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS found",
    [schema],
  );
  return row?.found ?? false;
}

for (const kind of DATABASE_KINDS) {
  describe(`schema-per-tenant strategy [${kind}]`, () => {
    let setup: Setup | undefined;
    let strategy: SchemaStrategy | undefined;
    let openError: unknown;
    const a = { id: randomUUID() };
    const b = { id: randomUUID() };
    const schemaA = schemaNameFor(a.id);
    const schemaB = schemaNameFor(b.id);

    beforeAll(async () => {
      try {
        setup = await open(kind);
        // The shared tables too, so a query that wrongly went to "public" would land somewhere visible.
        await migrate({ plane: "tenant", schema: "public", db: setup.sql });
        strategy = createSchemaStrategy(setup.connection);
      } catch (error) {
        openError = error;
      }
    });
    beforeEach(() => {
      if (openError !== undefined) throw openError;
    });
    afterAll(async () => {
      await strategy?.close();
      await setup?.close();
    });

    const s = () => strategy!;
    const sql = () => setup!.sql;

    it("provision creates and migrates each tenant's schema, idempotently", async () => {
      expect(s().level).toBe("schema");
      expect(s().schemaFor(a)).toBe(schemaA);
      await s().provision(a);
      await s().provision(b);
      expect(await schemaExists(sql(), schemaA)).toBe(true);
      expect(await schemaExists(sql(), schemaB)).toBe(true);
      const versions = await sql().query<{ version: string }>(
        `SELECT version FROM "${schemaA}".schema_migrations WHERE plane = 'tenant' ORDER BY version`,
      );
      expect(versions.map((v) => v.version)).toEqual(["0001", "0002"]);
      expect((await s().migrate(a)).applied).toEqual([]);
      await s().provision(a); // again: a no-op
      const rls = await sql().query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'customers'`,
        [schemaA],
      );
      expect(rls).toEqual([{ relname: "customers", relrowsecurity: true, relforcerowsecurity: true }]);
    });

    it('Prisma qualifies tables as "<schema>"."<table>": public by default, the tenant schema through the adapter', async () => {
      const seen: string[] = [];
      const connection = setup!.connection;
      const plain =
        connection.mode === "embedded"
          ? new PrismaClient({ adapter: new PrismaPGlite(connection.pglite), log: [{ emit: "event", level: "query" }] })
          : new PrismaClient({ adapter: new PrismaPg(connection.pool), log: [{ emit: "event", level: "query" }] });
      const scoped = new PrismaClient({
        adapter: schemaAdapterFor(connection, schemaA),
        log: [{ emit: "event", level: "query" }],
      });
      plain.$on("query", (event) => seen.push(`plain: ${event.query}`));
      scoped.$on("query", (event) => seen.push(`scoped: ${event.query}`));
      try {
        await plain.customer.findMany({ take: 1 });
        await scoped.customer.findMany({ take: 1 });
      } finally {
        await Promise.all([plain.$disconnect(), scoped.$disconnect()]);
      }
      const scopedSql = seen.filter((q) => q.startsWith("scoped:")).join("\n");
      expect(scopedSql).toContain(`FROM "${schemaA}"."customers"`);
      expect(scopedSql).not.toContain(`"public".`);
      expect(seen.filter((q) => q.startsWith("plain:")).join("\n")).toContain(`FROM "public"."customers" AS "t0"`);
      // Recorded for the report: the exact text Prisma sends.
      console.info(`[${kind}] Prisma SQL:\n${seen.join("\n")}`);
    });

    it("each tenant's client writes and reads its own schema only", async () => {
      const clientA = await s().client(a);
      const clientB = await s().client(b);
      expect(clientA).not.toBe(clientB);
      expect(await s().client(a)).toBe(clientA); // cached

      await asTenant(clientA, a.id, (tx) => tx.customer.createMany({ data: [{ name: "A one" }, { name: "A two" }] }));
      await asTenant(clientB, b.id, (tx) => tx.customer.create({ data: { name: "B one", email: "b@example.test" } }));

      expect(await count(sql(), schemaA)).toBe(2);
      expect(await count(sql(), schemaB)).toBe(1);
      expect(await count(sql(), "public")).toBe(0);

      const seenByA = await asTenant(clientA, a.id, (tx) => tx.customer.findMany({ orderBy: { name: "asc" } }));
      expect(seenByA.map((c) => c.name)).toEqual(["A one", "A two"]);
      expect(seenByA.every((c) => c.tenantId === a.id)).toBe(true);
      const seenByB = await asTenant(clientB, b.id, (tx) => tx.customer.findMany());
      expect(seenByB.map((c) => [c.name, c.tenantId])).toEqual([["B one", b.id]]);

      // A's client never sees B's rows, even when told it is tenant B: B's rows are not in A's schema,
      // and A's rows are hidden by RLS.
      expect(await asTenant(clientA, b.id, (tx) => tx.customer.findMany())).toEqual([]);
      expect(await asTenant(clientA, a.id, (tx) => tx.customer.findFirst({ where: { name: "B one" } }))).toBeNull();
      const bId = seenByB[0]!.id;
      expect(
        await asTenant(clientA, a.id, (tx) =>
          tx.customer.findUnique({ where: { tenantId_id: { tenantId: b.id, id: bId } } }),
        ),
      ).toBeNull();
    });

    it("clients of both schemas work interleaved over the one shared connection", async () => {
      const clientA = await s().client(a);
      const clientB = await s().client(b);
      const [na, nb] = await Promise.all([
        asTenant(clientA, a.id, (tx) => tx.customer.count()),
        asTenant(clientB, b.id, (tx) => tx.customer.count()),
      ]);
      expect([na, nb]).toEqual([2, 1]);
    });

    it("row level security still applies inside a tenant schema", async () => {
      const clientA = await s().client(a);
      // Control: without the app role (the superuser bypasses RLS) the schema holds A's two rows...
      expect(await clientA.customer.count()).toBe(2);
      // ...but with no tenant set, as logi_app: nothing.
      expect(await asTenant(clientA, null, (tx) => tx.customer.findMany())).toEqual([]);
      expect(await asTenant(clientA, null, (tx) => tx.customer.count())).toBe(0);
      // Writing a row of another tenant into A's schema is refused by the policy's WITH CHECK.
      await expect(
        asTenant(clientA, a.id, (tx) => tx.customer.create({ data: { tenantId: b.id, name: "smuggled" } })),
      ).rejects.toThrow();
      expect(await count(sql(), schemaA)).toBe(2);
    });

    it("raw SQL is passed through untouched (no qualifier rewriting)", async () => {
      const clientA = await s().client(a);
      const rows = await clientA.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "public".customers`;
      expect(rows[0]?.n).toBe(0);
    });

    it("drop removes the schema and forgets the client", async () => {
      const before = await s().client(b);
      await s().drop(b);
      expect(await schemaExists(sql(), schemaB)).toBe(false);
      expect(await schemaExists(sql(), schemaA)).toBe(true);
      expect(await count(sql(), schemaA)).toBe(2);
      const after = await s().client(b);
      expect(after).not.toBe(before);
      await expect(asTenant(after, b.id, (tx) => tx.customer.count())).rejects.toThrow();
      await s().drop(b); // dropping twice is fine
    });
  });
}
