import { expect, it } from "vitest";
import { loadMigrations } from "@/lib/db/migrations";
import { describeEachDatabase } from "../support/databases";

/**
 * The plan catalogue a migrated database starts with: the seed's five plans, their prices
 * and limits, and the features of the seed's table 16.4. NULL means "contact sales"
 * (price) or "unlimited" (limit).
 */

interface PlanRow {
  id: string;
  name: string;
  tier: string;
  currency: string;
  price_monthly: string | null;
  price_annual: string | null;
  max_users: number | null;
  max_storage_mb: number | null;
  max_api_calls: number | null;
  max_invoices: number | null;
  max_products: number | null;
  max_projects: number | null;
  max_integrations: number | null;
  features: Record<string, unknown>;
  is_active: boolean;
  is_public: boolean;
  display_order: number;
}

type Limits = [
  users: number,
  storageMb: number,
  apiCalls: number,
  invoices: number,
  products: number,
  projects: number,
  integrations: number,
];

const SEED: Array<{ id: string; name: string; monthly: number | null; annual: number | null; limits: Limits | null }> =
  [
    { id: "free", name: "Free", monthly: 0, annual: 0, limits: [2, 100, 1000, 10, 50, 5, 1] },
    { id: "standard", name: "Standard", monthly: 29, annual: 290, limits: [5, 1024, 10000, 100, 500, 50, 3] },
    {
      id: "professional",
      name: "Professional",
      monthly: 79,
      annual: 790,
      limits: [15, 5120, 50000, 500, 2000, 200, 10],
    },
    {
      id: "business",
      name: "Business",
      monthly: 199,
      annual: 1990,
      limits: [50, 20480, 200000, 2000, 10000, 1000, 25],
    },
    { id: "enterprise", name: "Enterprise", monthly: null, annual: null, limits: null },
  ];

// The seed's table 16.4: which plans include each feature.
const FEATURE_PLANS: Record<string, string[]> = {
  basic_invoicing: ["free", "standard", "professional", "business", "enterprise"],
  inventory: ["standard", "professional", "business", "enterprise"],
  reports: ["standard", "professional", "business", "enterprise"],
  projects: ["professional", "business", "enterprise"],
  api_access: ["professional", "business", "enterprise"],
  audit: ["business", "enterprise"],
  sso: ["business", "enterprise"],
  custom_domain: ["business", "enterprise"],
  dedicated_db: ["enterprise"],
};

const money = (value: string | null): number | null => (value === null ? null : Number(value));

describeEachDatabase(
  "subscription plans after migration",
  (db) => {
    const plans = async (): Promise<PlanRow[]> =>
      db().sql.query<PlanRow>(
        `SELECT id, name, tier, currency, price_monthly::text AS price_monthly, price_annual::text AS price_annual,
                max_users, max_storage_mb, max_api_calls, max_invoices, max_products, max_projects,
                max_integrations, features, is_active, is_public, display_order
           FROM subscription_plans ORDER BY display_order`,
      );

    it("holds exactly the seed's five plans, in display order, all public and active", async () => {
      const rows = await plans();
      expect(rows.map((p) => [p.id, p.name, p.tier])).toEqual(SEED.map((p) => [p.id, p.name, p.id]));
      expect(rows.every((p) => p.is_active && p.is_public && p.currency === "USD")).toBe(true);
      expect(new Set(rows.map((p) => p.display_order)).size).toBe(5);
    });

    it("has the seed's monthly and annual prices; Enterprise has none (contact sales)", async () => {
      const rows = await plans();
      expect(rows.map((p) => ({ id: p.id, monthly: money(p.price_monthly), annual: money(p.price_annual) }))).toEqual(
        SEED.map((p) => ({ id: p.id, monthly: p.monthly, annual: p.annual })),
      );
    });

    it("has the seed's limits; Enterprise's are all NULL (unlimited)", async () => {
      const rows = await plans();
      const limits = rows.map((p) => ({
        id: p.id,
        limits: [
          p.max_users,
          p.max_storage_mb,
          p.max_api_calls,
          p.max_invoices,
          p.max_products,
          p.max_projects,
          p.max_integrations,
        ],
      }));
      expect(limits).toEqual(SEED.map((p) => ({ id: p.id, limits: p.limits ?? Array(7).fill(null) })));
    });

    it("has the features of table 16.4, every feature listed as true or false on every plan", async () => {
      const rows = await plans();
      for (const plan of rows) {
        expect(Object.keys(plan.features).sort(), plan.id).toEqual(Object.keys(FEATURE_PLANS).sort());
        for (const [feature, included] of Object.entries(FEATURE_PLANS)) {
          expect(plan.features[feature], `${plan.id}.${feature}`).toBe(included.includes(plan.id));
        }
      }
      const withFeature = (feature: string) => rows.filter((p) => p.features[feature] === true).map((p) => p.id);
      expect(withFeature("custom_domain")).toEqual(["business", "enterprise"]);
      expect(withFeature("dedicated_db")).toEqual(["enterprise"]);
    });

    it("the seed migration can run again without changing or duplicating a plan", async () => {
      const seed = loadMigrations("control").find((m) => m.name === "seed_plans");
      expect(seed, "prisma/migrations/control/*_seed_plans.sql").toBeDefined();
      const before = await plans();
      await db().sql.exec(seed!.sql);
      expect(await plans()).toEqual(before);
    });

    it("the control-plane Prisma client reads the same catalogue", async () => {
      const viaPrisma = await db()
        .control()
        .subscriptionPlan.findMany({ orderBy: { displayOrder: "asc" } });
      expect(
        viaPrisma.map((p) => ({
          id: p.id,
          monthly: p.priceMonthly === null ? null : p.priceMonthly.toNumber(),
          users: p.maxUsers,
        })),
      ).toEqual(SEED.map((p) => ({ id: p.id, monthly: p.monthly, users: p.limits?.[0] ?? null })));
    });
  },
  { migrated: true },
);
