import { tenantTransaction } from "./scoped-client";

export interface TenantOverview {
  customers: number;
  products: number;
  invoices: number;
  outstandingMinor: number;
  paidMinor: number;
}

/** Headline figures for the current tenant's home page (inside its tenant context). */
export async function tenantOverview(): Promise<TenantOverview> {
  return tenantTransaction(async (db) => {
    const [customers, products, invoices, outstanding, paid] = await Promise.all([
      db.customer.count(),
      db.product.count(),
      db.invoice.count(),
      db.invoice.aggregate({ where: { status: "sent" }, _sum: { totalMinor: true } }),
      db.invoice.aggregate({ where: { status: "paid" }, _sum: { totalMinor: true } }),
    ]);
    return {
      customers,
      products,
      invoices,
      outstandingMinor: outstanding._sum.totalMinor ?? 0,
      paidMinor: paid._sum.totalMinor ?? 0,
    };
  });
}
