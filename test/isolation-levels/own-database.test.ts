import { afterAll, beforeAll, expect, it } from "vitest";
import pg from "pg";
import { controlDb } from "@/lib/db/control";
import { runInTenantContext, type IsolationLevel } from "@/lib/tenancy/context";
import { decryptDatabaseUrl } from "@/lib/tenancy/isolation/database-url";
import { moveTenant } from "@/lib/tenancy/isolation/move";
import { provisionTenant } from "@/lib/tenancy/provisioning";
import { scopedTenantClient } from "@/lib/tenancy/scoped-client";
import { createPostgresDatabase, dropPostgresDatabase } from "../support/databases";
import { describeIsolation } from "../support/isolation";

/**
 * A database-level tenant on a server of its own, given by a platform admin as a connection
 * string: stored only encrypted, used for the tenant's data, and left (tables removed) when
 * the tenant moves away. The "other server" is another database on the test server.
 */
describeIsolation("a tenant database on its own server", (db) => {
  let external: { name: string; url: string };
  beforeAll(async () => {
    external = await createPostgresDatabase();
  });
  afterAll(async () => {
    if (external) await dropPostgresDatabase(external.name);
  });

  async function tablesOnExternal(): Promise<string[]> {
    const client = new pg.Client({ connectionString: external.url });
    await client.connect();
    try {
      const result = await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      );
      return result.rows.map((r) => r.tablename);
    } finally {
      await client.end();
    }
  }

  it("keeps the tenant's rows there, the connection string encrypted, and removes its tables when it moves", async () => {
    const slug = `own-db-${db.kind}`;
    await expect(
      provisionTenant({
        name: "Own DB",
        slug: `${slug}-bad`,
        tier: "enterprise",
        ownerEmail: `owner@${slug}.test`,
        isolationLevel: "database",
        databaseUrl: "mysql://nope",
      }),
    ).rejects.toMatchObject({ issues: [{ field: "databaseUrl" }] });

    const result = await provisionTenant({
      name: "Own DB",
      slug,
      tier: "enterprise",
      ownerEmail: `owner@${slug}.test`,
      isolationLevel: "database",
      databaseUrl: external.url,
    });
    expect(result.status).toBe("active");
    const tenantId = result.tenantId;

    const control = await controlDb();
    const row = await control.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    const secret = new URL(external.url).password;
    expect(row.databaseUrlEncrypted).toBeTruthy();
    expect(row.databaseUrlEncrypted).not.toContain(external.name);
    if (secret) expect(row.databaseUrlEncrypted).not.toContain(secret);
    expect(decryptDatabaseUrl(row.databaseUrlEncrypted!, tenantId)).toBe(new URL(external.url).toString());
    // Copied to another tenant's row, it does not decrypt.
    expect(() => decryptDatabaseUrl(row.databaseUrlEncrypted!, "00000000-0000-4000-8000-000000000000")).toThrow();

    const context = (level: IsolationLevel) => ({
      tenant: { id: tenantId, slug, tier: "enterprise", isolationLevel: level, features: {} },
      actor: { type: "system" as const, reason: "own database test" },
    });
    const scoped = await scopedTenantClient();
    await runInTenantContext(context("database"), () => scoped.customer.create({ data: { name: "On their server" } }));
    const client = new pg.Client({ connectionString: external.url });
    await client.connect();
    try {
      const names = (await client.query<{ name: string }>("SELECT name FROM customers ORDER BY name")).rows.map(
        (r) => r.name,
      );
      expect(names).toContain("On their server");
    } finally {
      await client.end();
    }
    expect(await tablesOnExternal()).toEqual(
      expect.arrayContaining(["audit_events", "customers", "invoice_lines", "invoices", "products", "projects"]),
    );

    await control.tenant.update({ where: { id: tenantId }, data: { status: "suspended" } });
    await moveTenant(tenantId, "schema");
    const moved = await runInTenantContext(context("schema"), () => scoped.customer.findMany({}));
    expect(moved.map((c) => c.name)).toContain("On their server");
    // Our tables left their server (every tenant-plane table: a new one must be added to the drop list).
    expect(await tablesOnExternal()).toEqual([]);
    expect((await control.tenant.findUniqueOrThrow({ where: { id: tenantId } })).databaseUrlEncrypted).toBeNull();
  });
});
