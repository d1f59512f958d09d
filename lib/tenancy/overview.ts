import { sharedTenantPlane } from "./tenant-client";

export interface TenantOverview {
  customers: number;
  products: number;
  invoices: number;
  outstandingMinor: number;
  paidMinor: number;
}

/** Headline figures for a tenant's home page, always filtered by that tenant's id. */
export async function tenantOverview(tenantId: string): Promise<TenantOverview> {
  const db = await sharedTenantPlane();
  const [customers, products, invoices, outstanding, paid] = await db.$transaction([
    db.customer.count({ where: { tenantId } }),
    db.product.count({ where: { tenantId } }),
    db.invoice.count({ where: { tenantId } }),
    db.invoice.aggregate({ where: { tenantId, status: "sent" }, _sum: { totalMinor: true } }),
    db.invoice.aggregate({ where: { tenantId, status: "paid" }, _sum: { totalMinor: true } }),
  ]);
  return {
    customers,
    products,
    invoices,
    outstandingMinor: outstanding._sum.totalMinor ?? 0,
    paidMinor: paid._sum.totalMinor ?? 0,
  };
}
