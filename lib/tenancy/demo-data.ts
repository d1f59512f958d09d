import type { ControlClient } from "@/lib/db/control";
import { hashPassword } from "@/lib/auth/passwords";
import type { TenantPlaneClient } from "./tenant-client";

/**
 * Demo tenants for the embedded first run. Idempotent: tenants have fixed ids and are
 * upserted; users are keyed by e-mail; a tenant's business data is written in one
 * transaction only when the tenant has none, so a second start adds nothing.
 */

export const DEMO_PASSWORD = "demo-Passw0rd!";

interface DemoTenant {
  id: string;
  status?: "active" | "suspended";
  slug: string;
  name: string;
  tier: "free" | "standard" | "professional" | "business" | "enterprise";
  owner: string;
  primaryColor: string;
  secondaryColor: string;
  currency: string;
  country: string;
  customDomain?: string;
}

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    id: "a0000000-0000-4000-8000-00000000ac3e",
    slug: "acme",
    name: "Acme Accounting",
    tier: "professional",
    owner: "alice@acme.test",
    primaryColor: "#dc2626",
    secondaryColor: "#7f1d1d",
    currency: "USD",
    country: "US",
  },
  {
    id: "a0000000-0000-4000-8000-0000000910be",
    slug: "globex",
    name: "Globex Bookkeeping",
    tier: "free",
    owner: "bob@globex.test",
    primaryColor: "#16a34a",
    secondaryColor: "#14532d",
    currency: "EUR",
    country: "DE",
  },
  {
    id: "a0000000-0000-4000-8000-000000001171",
    slug: "initech",
    name: "Initech Finance",
    tier: "business",
    owner: "carol@initech.test",
    primaryColor: "#7c3aed",
    secondaryColor: "#4c1d95",
    currency: "GBP",
    country: "GB",
    customDomain: "app.initech.test",
  },
  {
    // Suspended, to show what members of a suspended workspace see.
    id: "a0000000-0000-4000-8000-0000000e3b11",
    slug: "umbrella",
    name: "Umbrella Ledgers",
    status: "suspended",
    tier: "standard",
    owner: "dave@example.test",
    primaryColor: "#0891b2",
    secondaryColor: "#164e63",
    currency: "USD",
    country: "US",
  },
];

export const DEMO_USERS = [
  { email: "alice@acme.test", name: "Alice Archer" },
  { email: "bob@globex.test", name: "Bob Barker" },
  { email: "carol@initech.test", name: "Carol Chen" },
  // A member of two tenants, to show the workspace switcher.
  { email: "dave@example.test", name: "Dave Dual" },
  { email: "admin@logiaccounting.test", name: "Platform Admin", platformRole: "admin" },
] as const;

const EXTRA_MEMBERSHIPS = [
  { email: "dave@example.test", slug: "acme", role: "member" },
  { email: "dave@example.test", slug: "globex", role: "admin" },
] as const;

export interface DemoSeedResult {
  createdTenants: string[];
  createdUsers: string[];
}

export async function seedDemoData(control: ControlClient, tenantPlane: TenantPlaneClient): Promise<DemoSeedResult> {
  const result: DemoSeedResult = { createdTenants: [], createdUsers: [] };
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const userIds = new Map<string, string>();
  for (const user of DEMO_USERS) {
    const existing = await control.user.findUnique({ where: { email: user.email } });
    const row =
      existing ??
      (await control.user.create({
        data: {
          email: user.email,
          name: user.name,
          passwordHash,
          emailVerified: new Date(),
          platformRole: "platformRole" in user ? user.platformRole : null,
        },
      }));
    if (!existing) result.createdUsers.push(user.email);
    userIds.set(user.email, row.id);
  }

  for (const demo of DEMO_TENANTS) {
    const exists = await control.tenant.findUnique({ where: { id: demo.id }, select: { id: true } });
    if (!exists) {
      await createDemoTenant(control, demo, userIds.get(demo.owner)!);
      result.createdTenants.push(demo.slug);
    }
    await seedBusinessData(tenantPlane, demo);
  }

  for (const extra of EXTRA_MEMBERSHIPS) {
    const tenant = DEMO_TENANTS.find((t) => t.slug === extra.slug)!;
    const userId = userIds.get(extra.email)!;
    await control.membership.upsert({
      where: { tenantId_userId: { tenantId: tenant.id, userId } },
      update: {},
      create: { tenantId: tenant.id, userId, role: extra.role },
    });
  }
  return result;
}

async function createDemoTenant(control: ControlClient, demo: DemoTenant, ownerId: string): Promise<void> {
  const plan = await control.subscriptionPlan.findUniqueOrThrow({ where: { tier: demo.tier } });
  const now = new Date();
  const periodEnd = new Date(now);
  periodEnd.setMonth(periodEnd.getMonth() + 1);

  await control.$transaction(async (tx) => {
    await tx.tenant.create({
      data: {
        id: demo.id,
        slug: demo.slug,
        name: demo.name,
        legalName: `${demo.name} Ltd.`,
        email: demo.owner,
        country: demo.country,
        tier: demo.tier,
        status: demo.status ?? "active",
        suspendedAt: demo.status === "suspended" ? now : null,
        suspendedReason: demo.status === "suspended" ? "Demo: payment overdue" : null,
        isolationLevel: "shared_database",
        ownerId,
      },
    });
    await tx.tenantSettings.create({
      data: {
        tenantId: demo.id,
        primaryColor: demo.primaryColor,
        secondaryColor: demo.secondaryColor,
        defaultCurrency: demo.currency,
      },
    });
    await tx.tenantQuota.create({
      data: {
        tenantId: demo.id,
        maxUsers: plan.maxUsers,
        maxStorageMb: plan.maxStorageMb,
        maxApiCallsPerMonth: plan.maxApiCalls,
        maxInvoicesPerMonth: plan.maxInvoices,
        maxProducts: plan.maxProducts,
        maxProjects: plan.maxProjects,
        maxIntegrations: plan.maxIntegrations,
        currentUsers: 1,
        lastResetAt: now,
      },
    });
    await tx.tenantSubscription.create({
      data: {
        tenantId: demo.id,
        planId: plan.id,
        planName: plan.name,
        priceAmount: plan.priceMonthly ?? 0,
        priceCurrency: plan.currency,
        status: "active",
        currentPeriodStart: now,
        currentPeriodEnd: periodEnd,
      },
    });
    await tx.membership.create({ data: { tenantId: demo.id, userId: ownerId, role: "owner" } });
    if (demo.customDomain) {
      await tx.tenantDomain.create({
        data: {
          tenantId: demo.id,
          domain: demo.customDomain,
          domainType: "custom",
          isVerified: true,
          verifiedAt: now,
          isPrimary: true,
        },
      });
    }
  });
}

const CUSTOMERS = ["Northwind Traders", "Contoso Ltd", "Fabrikam Inc", "Tailspin Toys"];
const PRODUCTS = [
  { sku: "CONS-HOUR", name: "Consulting hour", priceMinor: 12_000, stock: 0 },
  { sku: "AUDIT-PKG", name: "Annual audit package", priceMinor: 250_000, stock: 0 },
  { sku: "LEDGER-BOOK", name: "Printed ledger book", priceMinor: 2_500, stock: 140 },
];

async function seedBusinessData(tenantPlane: TenantPlaneClient, demo: DemoTenant): Promise<void> {
  const tenantId = demo.id;
  await tenantPlane.$transaction(async (tx) => {
    // Row level security applies to every role but superusers: write as this tenant.
    await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
    if ((await tx.customer.count({ where: { tenantId } })) > 0) return;

    const customers = await tx.customer.createManyAndReturn({
      data: CUSTOMERS.map((name, i) => ({
        tenantId,
        name: `${name} (${demo.slug})`,
        email: `billing${i + 1}@${demo.slug}-client.test`,
        country: demo.country,
      })),
    });
    const products = await tx.product.createManyAndReturn({
      data: PRODUCTS.map((p) => ({ tenantId, ...p, currency: demo.currency })),
    });

    const statuses = ["paid", "sent", "draft", "paid", "sent", "void"] as const;
    const today = new Date();
    for (let i = 0; i < statuses.length; i++) {
      const status = statuses[i];
      const issueDate = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - (i % 4), 5 + i));
      const dueDate = new Date(issueDate.getTime() + 30 * 86_400_000);
      const lines = [
        { product: products[0], quantity: 3 + i },
        { product: products[2], quantity: 1 + (i % 3) },
      ].map(({ product, quantity }, position) => {
        const amountMinor = product.priceMinor * quantity;
        return {
          tenantId,
          productId: product.id,
          position,
          description: product.name,
          quantity,
          unitPriceMinor: product.priceMinor,
          taxRateBps: 2000,
          amountMinor,
        };
      });
      const subtotalMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
      const taxMinor = Math.round((subtotalMinor * 2000) / 10_000);
      await tx.invoice.create({
        data: {
          tenantId,
          number: `INV-${String(i + 1).padStart(4, "0")}`,
          customerId: customers[i % customers.length].id,
          status,
          issueDate,
          dueDate,
          currency: demo.currency,
          subtotalMinor,
          taxMinor,
          totalMinor: subtotalMinor + taxMinor,
          sentAt: status === "draft" ? null : issueDate,
          paidAt: status === "paid" ? dueDate : null,
          voidedAt: status === "void" ? dueDate : null,
          lines: { createMany: { data: lines.map(({ tenantId: _t, ...line }) => line) } },
        },
      });
    }

    if (demo.tier !== "free" && demo.tier !== "standard") {
      await tx.project.createMany({
        data: [
          { tenantId, name: "Year-end close", customerId: customers[0].id, budgetMinor: 1_500_000 },
          { tenantId, name: "Tax filing", customerId: customers[1].id, status: "completed", budgetMinor: 400_000 },
        ],
      });
    }
  });
}
