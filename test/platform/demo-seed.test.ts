import { expect, it } from "vitest";
import { DEMO_TENANTS, DEMO_USERS, seedDemoData } from "@/lib/tenancy/demo-data";
import type { SqlExecutor } from "@/lib/db/sql";
import { describeEachDatabase } from "../support/databases";

/**
 * The demo data an embedded first start creates (acme, globex, initech): loaded twice it is
 * still the same data, every tenant has a working set of business records, and invoices
 * add up.
 */

const TABLES = [
  "tenants",
  "users",
  "memberships",
  "customers",
  "products",
  "invoices",
  "invoice_lines",
  "projects",
] as const;

async function rowCounts(sql: SqlExecutor): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = row.n;
  }
  return counts;
}

describeEachDatabase(
  "demo seed",
  (db) => {
    let firstCounts: Record<string, number> | undefined;

    it("creates the demo tenants and users on an empty database", async () => {
      const result = await seedDemoData(db().control(), db().tenantPlane());
      expect([...result.createdTenants].sort()).toEqual(DEMO_TENANTS.map((t) => t.slug).sort());
      expect([...result.createdUsers].sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
      firstCounts = await rowCounts(db().sql);
      expect(firstCounts.tenants).toBe(DEMO_TENANTS.length);
      expect(firstCounts.users).toBe(DEMO_USERS.length);
      for (const table of TABLES) expect(firstCounts[table], table).toBeGreaterThan(0);
    });

    it("seeding a second time adds nothing: the same row counts in every table", async () => {
      expect(firstCounts, "the first seed ran").toBeDefined();
      const result = await seedDemoData(db().control(), db().tenantPlane());
      expect(result).toEqual({ createdTenants: [], createdUsers: [] });
      expect(await rowCounts(db().sql)).toEqual(firstCounts);
    });

    it("has at least three tenants on different plan tiers, each with its owner", async () => {
      const tenants = await db().sql.query<{ slug: string; tier: string; status: string; owner_role: string | null }>(
        `SELECT t.slug, t.tier, t.status,
                (SELECT m.role FROM memberships m WHERE m.tenant_id = t.id AND m.user_id = t.owner_id) AS owner_role
           FROM tenants t ORDER BY t.slug`,
      );
      const active = tenants.filter((t) => t.status === "active");
      expect(active.length).toBeGreaterThanOrEqual(3);
      expect(new Set(active.map((t) => t.tier)).size).toBeGreaterThanOrEqual(3);
      // One demo workspace is suspended on purpose, to show the suspended page.
      expect(tenants.filter((t) => t.status !== "active").map((t) => [t.slug, t.status])).toEqual([
        ["umbrella", "suspended"],
      ]);
      for (const tenant of tenants) {
        expect(tenant.owner_role, `${tenant.slug} owner membership`).toBe("owner");
      }
      expect(tenants.find((t) => t.slug === "acme")?.tier).toBe("professional");
    });

    it("every tenant has customers, products and invoices of its own", async () => {
      const rows = await db().sql.query<{ slug: string; customers: number; products: number; invoices: number }>(
        `SELECT t.slug,
                (SELECT count(*)::int FROM customers c WHERE c.tenant_id = t.id) AS customers,
                (SELECT count(*)::int FROM products p WHERE p.tenant_id = t.id) AS products,
                (SELECT count(*)::int FROM invoices i WHERE i.tenant_id = t.id) AS invoices
           FROM tenants t ORDER BY t.slug`,
      );
      expect(rows.map((r) => r.slug)).toEqual(DEMO_TENANTS.map((t) => t.slug).sort());
      for (const row of rows) {
        expect(row.customers, `${row.slug} customers`).toBeGreaterThan(0);
        expect(row.products, `${row.slug} products`).toBeGreaterThan(0);
        expect(row.invoices, `${row.slug} invoices`).toBeGreaterThan(0);
      }
      // Business rows only ever belong to a tenant that exists.
      const [orphans] = await db().sql.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM customers WHERE tenant_id NOT IN (SELECT id FROM tenants))
              + (SELECT count(*) FROM invoices WHERE tenant_id NOT IN (SELECT id FROM tenants)) AS n`,
      );
      expect(Number(orphans.n)).toBe(0);
    });

    it("every invoice's total equals the sum of its lines plus tax", async () => {
      const invoices = await db().sql.query<{
        number: string;
        slug: string;
        subtotal_minor: number;
        tax_minor: number;
        total_minor: number;
        lines: number;
        lines_sum: number;
        bad_lines: number;
      }>(
        `SELECT i.number, t.slug, i.subtotal_minor, i.tax_minor, i.total_minor,
                count(l.id)::int AS lines,
                coalesce(sum(l.amount_minor), 0)::int AS lines_sum,
                count(*) FILTER (WHERE l.amount_minor <> round(l.quantity * l.unit_price_minor))::int AS bad_lines
           FROM invoices i
           JOIN tenants t ON t.id = i.tenant_id
           LEFT JOIN invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id
          GROUP BY i.tenant_id, i.id, t.slug
          ORDER BY t.slug, i.number`,
      );
      expect(invoices.length).toBeGreaterThanOrEqual(DEMO_TENANTS.length);
      for (const invoice of invoices) {
        const label = `${invoice.slug} ${invoice.number}`;
        expect(invoice.lines, `${label} has lines`).toBeGreaterThan(0);
        expect(invoice.bad_lines, `${label}: line amount = quantity × unit price`).toBe(0);
        expect(invoice.subtotal_minor, `${label} subtotal`).toBe(invoice.lines_sum);
        expect(invoice.total_minor, `${label} total`).toBe(invoice.lines_sum + invoice.tax_minor);
        expect(invoice.tax_minor, `${label} tax`).toBeGreaterThanOrEqual(0);
      }
    });

    it("each tenant's quota copies its plan's limits and its subscription names that plan", async () => {
      const rows = await db().sql.query<{
        slug: string;
        quota_users: number | null;
        plan_users: number | null;
        quota_products: number | null;
        plan_products: number | null;
        subscribed_plan: string;
        tier: string;
      }>(
        `SELECT t.slug, t.tier, q.max_users AS quota_users, p.max_users AS plan_users,
                q.max_products AS quota_products, p.max_products AS plan_products, s.plan_id AS subscribed_plan
           FROM tenants t
           JOIN subscription_plans p ON p.tier = t.tier
           JOIN tenant_quotas q ON q.tenant_id = t.id
           JOIN tenant_subscriptions s ON s.tenant_id = t.id
          ORDER BY t.slug`,
      );
      expect(rows).toHaveLength(DEMO_TENANTS.length);
      for (const row of rows) {
        expect(row.quota_users, row.slug).toBe(row.plan_users);
        expect(row.quota_products, row.slug).toBe(row.plan_products);
        expect(row.subscribed_plan, row.slug).toBe(row.tier);
      }
    });

    it("the tenant-plane Prisma client reads a tenant's invoices with their lines", async () => {
      const acme = DEMO_TENANTS.find((t) => t.slug === "acme")!;
      const invoices = await db()
        .tenantPlane()
        .invoice.findMany({ where: { tenantId: acme.id }, include: { lines: true }, orderBy: { number: "asc" } });
      expect(invoices.length).toBeGreaterThan(0);
      for (const invoice of invoices) {
        expect(invoice.tenantId).toBe(acme.id);
        expect(invoice.lines.every((line) => line.tenantId === acme.id)).toBe(true);
        expect(invoice.totalMinor).toBe(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0) + invoice.taxMinor);
      }
    });
  },
  { migrated: true },
);
