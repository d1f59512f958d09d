import { FEATURE_FOR_RESOURCE } from "./features";
import { reportSummarySchema, type ReportSummaryInput } from "./schemas";
import { dateOnly, unitOfWork } from "./unit-of-work";

/** Figures of one currency (amounts of different currencies are never added up). */
export interface ReportSummary {
  currency: string;
  asOf: string;
  outstanding: { count: number; totalMinor: number };
  overdue: { count: number; totalMinor: number };
  paidThisMonth: { count: number; totalMinor: number };
  /** The last 12 months, oldest first: invoiced (issued, not void) and paid totals. */
  months: { month: string; invoicedMinor: number; paidMinor: number }[];
}

function monthKey(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Receivables summary (feature "reports"). `now` is injectable for tests. */
export function reportSummary(
  input: ReportSummaryInput = {},
  defaults: { currency?: string; now?: Date } = {},
): Promise<ReportSummary> {
  return unitOfWork(FEATURE_FOR_RESOURCE.reports, "Report", async (db) => {
    const query = reportSummarySchema.parse(input);
    const currency = query.currency ?? defaults.currency ?? "USD";
    const now = defaults.now ?? new Date();
    const today = new Date(`${dateOnly(now)}T00:00:00.000Z`);
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const nextMonthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const windowStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));

    const outstanding = await db.invoice.aggregate({
      where: { currency, status: "sent" },
      _count: { _all: true },
      _sum: { totalMinor: true },
    });
    const overdue = await db.invoice.aggregate({
      where: { currency, status: "sent", dueDate: { lt: today } },
      _count: { _all: true },
      _sum: { totalMinor: true },
    });
    const paid = await db.invoice.aggregate({
      where: { currency, status: "paid", paidAt: { gte: monthStart, lt: nextMonthStart } },
      _count: { _all: true },
      _sum: { totalMinor: true },
    });
    const recent = await db.invoice.findMany({
      where: {
        currency,
        OR: [
          { status: { not: "void" }, issueDate: { gte: windowStart, lt: nextMonthStart } },
          { status: "paid", paidAt: { gte: windowStart, lt: nextMonthStart } },
        ],
      },
      select: { status: true, issueDate: true, paidAt: true, totalMinor: true },
    });

    const months = new Map<string, { month: string; invoicedMinor: number; paidMinor: number }>();
    for (let i = 0; i < 12; i++) {
      const key = monthKey(new Date(Date.UTC(windowStart.getUTCFullYear(), windowStart.getUTCMonth() + i, 1)));
      months.set(key, { month: key, invoicedMinor: 0, paidMinor: 0 });
    }
    for (const invoice of recent) {
      if (invoice.status !== "void") {
        const bucket = months.get(monthKey(invoice.issueDate));
        if (bucket) bucket.invoicedMinor += invoice.totalMinor;
      }
      if (invoice.status === "paid" && invoice.paidAt) {
        const bucket = months.get(monthKey(invoice.paidAt));
        if (bucket) bucket.paidMinor += invoice.totalMinor;
      }
    }
    return {
      currency,
      asOf: now.toISOString(),
      outstanding: { count: outstanding._count._all, totalMinor: outstanding._sum.totalMinor ?? 0 },
      overdue: { count: overdue._count._all, totalMinor: overdue._sum.totalMinor ?? 0 },
      paidThisMonth: { count: paid._count._all, totalMinor: paid._sum.totalMinor ?? 0 },
      months: [...months.values()],
    };
  });
}
