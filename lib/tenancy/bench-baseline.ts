import { INVOICE_SORT, toInvoiceDto, type InvoiceDto } from "@/lib/accounting/invoices";
import { mappingPrismaErrors } from "@/lib/accounting/errors";
import { afterCursor, orderByFor, parseSort, toPage, type Page } from "@/lib/accounting/pagination";
import { invoiceListSchema, type InvoiceListInput } from "@/lib/accounting/schemas";
import { parseDateOnly } from "@/lib/accounting/unit-of-work";
import { sharedTenantPlane } from "./tenant-client";

/**
 * BENCHMARK BASELINE ONLY (bench/http-list.ts, app/api/bench/invoices): the same list query
 * as `listInvoices` (lib/accounting/invoices.ts) — same validation, filters, order, limit
 * and DTO — but through the UNSCOPED tenant-plane client with a hand-written
 * `where: { tenantId }`: no tenant transaction, no Prisma extension, no RLS. It exists to
 * measure what scoping costs and refuses to run unless BENCH_ROUTES=1.
 */
export function benchRoutesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BENCH_ROUTES === "1";
}

export async function listInvoicesUnscopedBaseline(
  tenantId: string,
  input: InvoiceListInput = {},
): Promise<Page<Omit<InvoiceDto, "lines">>> {
  if (!benchRoutesEnabled()) throw new Error("The unscoped bench baseline runs only with BENCH_ROUTES=1");
  return mappingPrismaErrors("Invoice", async () => {
    const db = await sharedTenantPlane();
    const query = invoiceListSchema.parse(input);
    const sort = parseSort(query.sort, INVOICE_SORT);
    const issueDate =
      query.from || query.to
        ? {
            issueDate: {
              ...(query.from ? { gte: parseDateOnly(query.from) } : {}),
              ...(query.to ? { lte: parseDateOnly(query.to) } : {}),
            },
          }
        : {};
    const rows = await db.invoice.findMany({
      where: {
        tenantId,
        AND: [
          query.status ? { status: query.status } : {},
          query.customerId ? { customerId: query.customerId } : {},
          issueDate,
          afterCursor(query.cursor, sort) ?? {},
        ],
      },
      orderBy: orderByFor(sort),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, sort, (row) => {
      const { lines: _lines, ...invoice } = toInvoiceDto(row, []);
      return invoice;
    });
  });
}
