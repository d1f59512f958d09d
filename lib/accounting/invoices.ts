import { ConflictError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { withTenantQuota } from "@/lib/quotas/quotas";
import { recordAudit } from "./audit";
import { FEATURE_FOR_RESOURCE } from "./features";
import { afterCursor, orderByFor, parseSort, toPage, type Page, type SortSpec } from "./pagination";
import {
  invoiceCreateSchema,
  invoiceListSchema,
  invoiceUpdateSchema,
  type InvoiceCreateInput,
  type InvoiceLineInput,
  type InvoiceListInput,
  type InvoiceStatus,
  type InvoiceUpdateInput,
} from "./schemas";
import { dateOnly, parseDateOnly, requireId, rowKey, unitOfWork, type Db } from "./unit-of-work";

const FEATURE = FEATURE_FOR_RESOURCE.invoices;
const ENTITY = "Invoice";
const MAX_INT = 2_147_483_647n;
const DEFAULT_TERM_DAYS = 30;

export interface InvoiceLineDto {
  id: string;
  position: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBps: number;
  amountMinor: number;
  taxMinor: number;
  productId: string | null;
}

export interface InvoiceDto {
  id: string;
  number: string;
  customerId: string;
  status: InvoiceStatus;
  issueDate: string;
  dueDate: string;
  currency: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  notes: string | null;
  sentAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  createdAt: string;
  updatedAt: string;
  lines: InvoiceLineDto[];
}

// ── totals ───────────────────────────────────────────────────────────────────────────

export interface ComputedLine {
  position: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBps: number;
  productId: string | null;
  amountMinor: number;
  taxMinor: number;
}

export interface InvoiceTotals {
  lines: ComputedLine[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
}

/** round-half-up of a / b for non-negative bigints. */
function divRound(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}

/**
 * The server-side totals: amount = round(quantity × unit price), tax per line =
 * round(amount × rate), subtotal/tax/total the sums — exact integer arithmetic in minor
 * units (quantity has at most 3 decimals). Totals beyond the column range are refused.
 */
export function computeTotals(
  lines: {
    description: string;
    quantity: number;
    unitPriceMinor: number;
    taxRateBps?: number;
    productId?: string | null;
  }[],
): InvoiceTotals {
  let subtotal = 0n;
  let tax = 0n;
  const computed = lines.map((line, position) => {
    const milli = BigInt(Math.round(line.quantity * 1000));
    const amount = divRound(milli * BigInt(line.unitPriceMinor), 1000n);
    const lineTax = divRound(amount * BigInt(line.taxRateBps ?? 0), 10_000n);
    if (amount > MAX_INT)
      throw new ValidationError([{ field: `lines.${position}.quantity`, message: "The line amount is too large" }]);
    subtotal += amount;
    tax += lineTax;
    return {
      position,
      description: line.description,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      taxRateBps: line.taxRateBps ?? 0,
      productId: line.productId ?? null,
      amountMinor: Number(amount),
      taxMinor: Number(lineTax),
    };
  });
  if (subtotal + tax > MAX_INT)
    throw new ValidationError([{ field: "lines", message: "The invoice total is too large" }]);
  return {
    lines: computed,
    subtotalMinor: Number(subtotal),
    taxMinor: Number(tax),
    totalMinor: Number(subtotal + tax),
  };
}

// ── rows → DTOs ──────────────────────────────────────────────────────────────────────

type InvoiceRow = NonNullable<Awaited<ReturnType<Db["invoice"]["findFirst"]>>>;
type LineRow = NonNullable<Awaited<ReturnType<Db["invoiceLine"]["findFirst"]>>>;

function toLineDto(row: LineRow): InvoiceLineDto {
  return {
    id: row.id,
    position: row.position,
    description: row.description,
    quantity: Number(row.quantity),
    unitPriceMinor: row.unitPriceMinor,
    taxRateBps: row.taxRateBps,
    amountMinor: row.amountMinor,
    taxMinor: Number(divRound(BigInt(row.amountMinor) * BigInt(row.taxRateBps), 10_000n)),
    productId: row.productId,
  };
}

export function toInvoiceDto(row: InvoiceRow, lines: LineRow[]): InvoiceDto {
  return {
    id: row.id,
    number: row.number,
    customerId: row.customerId,
    status: row.status as InvoiceStatus,
    issueDate: dateOnly(row.issueDate),
    dueDate: dateOnly(row.dueDate),
    currency: row.currency,
    subtotalMinor: row.subtotalMinor,
    taxMinor: row.taxMinor,
    totalMinor: row.totalMinor,
    notes: row.notes,
    sentAt: row.sentAt?.toISOString() ?? null,
    paidAt: row.paidAt?.toISOString() ?? null,
    voidedAt: row.voidedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lines: [...lines].sort((a, b) => a.position - b.position).map(toLineDto),
  };
}

export const INVOICE_SORT: SortSpec<"number" | "issueDate" | "dueDate" | "totalMinor" | "createdAt" | "updatedAt"> = {
  fields: {
    number: "string",
    issueDate: "date",
    dueDate: "date",
    totalMinor: "number",
    createdAt: "date",
    updatedAt: "date",
  },
  default: "-createdAt",
};

// ── helpers ──────────────────────────────────────────────────────────────────────────

async function findInvoice(db: Db, id: string): Promise<InvoiceDto> {
  const row = await db.invoice.findFirst({ where: { id: requireId(id, ENTITY) }, include: { lines: true } });
  if (!row) throw new NotFoundError(ENTITY);
  return toInvoiceDto(row, row.lines);
}

async function assertCustomer(db: Db, customerId: string): Promise<void> {
  if (!(await db.customer.findFirst({ where: { id: customerId }, select: { id: true } })))
    throw new ValidationError([{ field: "customerId", message: "No such customer in this workspace" }]);
}

async function assertProducts(db: Db, lines: InvoiceLineInput[]): Promise<void> {
  const ids = [...new Set(lines.map((l) => l.productId).filter((id): id is string => !!id))];
  if (ids.length === 0) return;
  const found = await db.product.findMany({ where: { id: { in: ids } }, select: { id: true } });
  const known = new Set(found.map((p) => p.id));
  lines.forEach((line, i) => {
    if (line.productId && !known.has(line.productId))
      throw new ValidationError([{ field: `lines.${i}.productId`, message: "No such product in this workspace" }]);
  });
}

async function assertNumberFree(db: Db, number: string, exceptId?: string): Promise<void> {
  const clash = await db.invoice.findFirst({
    where: { number, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) throw new ConflictError(`Invoice number ${number} is already used`, "number");
}

/** The next free INV-0001-style number of this tenant. */
async function nextInvoiceNumber(db: Db): Promise<string> {
  const rows = await db.invoice.findMany({ where: { number: { startsWith: "INV-" } }, select: { number: true } });
  let max = 0;
  for (const { number } of rows) {
    const match = /^INV-(\d{1,9})$/.exec(number);
    if (match) max = Math.max(max, Number(match[1]));
  }
  return `INV-${String(max + 1).padStart(4, "0")}`;
}

function addDays(date: string, days: number): string {
  const d = parseDateOnly(date);
  d.setUTCDate(d.getUTCDate() + days);
  return dateOnly(d);
}

function lineRows(totals: InvoiceTotals) {
  return totals.lines.map((line) => ({
    position: line.position,
    description: line.description,
    quantity: line.quantity,
    unitPriceMinor: line.unitPriceMinor,
    taxRateBps: line.taxRateBps,
    amountMinor: line.amountMinor,
    productId: line.productId,
  }));
}

// ── operations ───────────────────────────────────────────────────────────────────────

export function listInvoices(input: InvoiceListInput = {}): Promise<Page<Omit<InvoiceDto, "lines">>> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
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

export function getInvoice(id: string): Promise<InvoiceDto> {
  return unitOfWork(FEATURE, ENTITY, (db) => findInvoice(db, id));
}

export interface InvoiceDefaults {
  currency?: string;
  /** Today, as YYYY-MM-DD (tests pin it). */
  today?: string;
}

/** Counts against the monthly invoice quota (given back when the creation fails). */
export function createInvoice(input: InvoiceCreateInput, defaults: InvoiceDefaults = {}): Promise<InvoiceDto> {
  return withTenantQuota("invoices", () => insertInvoice(input, defaults));
}

function insertInvoice(input: InvoiceCreateInput, defaults: InvoiceDefaults): Promise<InvoiceDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = invoiceCreateSchema.parse(input);
    const issueDate = data.issueDate ?? defaults.today ?? dateOnly(new Date());
    const dueDate = data.dueDate ?? addDays(issueDate, DEFAULT_TERM_DAYS);
    if (dueDate < issueDate)
      throw new ValidationError([{ field: "dueDate", message: "dueDate cannot be before issueDate" }]);
    await assertCustomer(db, data.customerId);
    await assertProducts(db, data.lines);
    const number = data.number ?? (await nextInvoiceNumber(db));
    await assertNumberFree(db, number);
    const totals = computeTotals(data.lines);
    const row = await db.invoice.create({
      data: {
        number,
        customerId: data.customerId,
        status: "draft",
        issueDate: parseDateOnly(issueDate),
        dueDate: parseDateOnly(dueDate),
        currency: data.currency ?? defaults.currency ?? "USD",
        notes: data.notes ?? null,
        subtotalMinor: totals.subtotalMinor,
        taxMinor: totals.taxMinor,
        totalMinor: totals.totalMinor,
        lines: { createMany: { data: lineRows(totals) } },
      },
      include: { lines: true },
    });
    const after = toInvoiceDto(row, row.lines);
    await recordAudit(db, { action: "invoice.created", entityType: "invoice", entityId: after.id, after });
    return after;
  });
}

function assertStatus(invoice: InvoiceDto, allowed: InvoiceStatus[], doing: string): void {
  if (!allowed.includes(invoice.status))
    throw new ConflictError(
      `Cannot ${doing} an invoice that is ${invoice.status} (must be ${allowed.join(" or ")})`,
      "status",
    );
}

/** Edits a draft; `lines`, when given, replace all lines and the totals are recomputed. */
export function updateInvoice(id: string, input: InvoiceUpdateInput): Promise<InvoiceDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = invoiceUpdateSchema.parse(input);
    const before = await findInvoice(db, id);
    assertStatus(before, ["draft"], "edit");
    const issueDate = data.issueDate ?? before.issueDate;
    const dueDate = data.dueDate ?? before.dueDate;
    if (dueDate < issueDate)
      throw new ValidationError([
        { field: data.dueDate ? "dueDate" : "issueDate", message: "dueDate cannot be before issueDate" },
      ]);
    if (data.customerId !== undefined) await assertCustomer(db, data.customerId);
    if (data.number !== undefined && data.number !== before.number) await assertNumberFree(db, data.number, before.id);
    let totals: InvoiceTotals | undefined;
    if (data.lines) {
      await assertProducts(db, data.lines);
      totals = computeTotals(data.lines);
      await db.invoiceLine.deleteMany({ where: { invoiceId: before.id } });
      await db.invoiceLine.createMany({ data: lineRows(totals).map((line) => ({ ...line, invoiceId: before.id })) });
    }
    const row = await db.invoice.update({
      where: rowKey(before.id),
      data: {
        ...(data.customerId !== undefined ? { customerId: data.customerId } : {}),
        ...(data.number !== undefined ? { number: data.number } : {}),
        ...(data.issueDate !== undefined ? { issueDate: parseDateOnly(data.issueDate) } : {}),
        ...(data.dueDate !== undefined ? { dueDate: parseDateOnly(data.dueDate) } : {}),
        ...(data.currency !== undefined ? { currency: data.currency } : {}),
        ...(data.notes !== undefined ? { notes: data.notes } : {}),
        ...(totals
          ? { subtotalMinor: totals.subtotalMinor, taxMinor: totals.taxMinor, totalMinor: totals.totalMinor }
          : {}),
      },
      include: { lines: true },
    });
    const after = toInvoiceDto(row, row.lines);
    await recordAudit(db, { action: "invoice.updated", entityType: "invoice", entityId: after.id, before, after });
    return after;
  });
}

const TRANSITIONS = {
  send: { from: ["draft"], to: "sent", stamp: "sentAt", action: "invoice.sent" },
  pay: { from: ["sent"], to: "paid", stamp: "paidAt", action: "invoice.paid" },
  void: { from: ["draft", "sent"], to: "void", stamp: "voidedAt", action: "invoice.voided" },
} as const satisfies Record<string, { from: InvoiceStatus[]; to: InvoiceStatus; stamp: string; action: string }>;

export type InvoiceTransition = keyof typeof TRANSITIONS;

async function transition(id: string, name: InvoiceTransition): Promise<InvoiceDto> {
  const t = TRANSITIONS[name];
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const before = await findInvoice(db, id);
    assertStatus(before, [...t.from], name);
    // The status in the filter makes a concurrent transition fail instead of both winning.
    const { count } = await db.invoice.updateMany({
      where: { id: before.id, status: before.status },
      data: { status: t.to, [t.stamp]: new Date() },
    });
    if (count !== 1) throw new ConflictError("The invoice changed meanwhile; reload and try again", "status");
    const after = await findInvoice(db, before.id);
    await recordAudit(db, { action: t.action, entityType: "invoice", entityId: after.id, before, after });
    return after;
  });
}

/** draft → sent */
export const sendInvoice = (id: string) => transition(id, "send");
/** sent → paid */
export const payInvoice = (id: string) => transition(id, "pay");
/** draft | sent → void */
export const voidInvoice = (id: string) => transition(id, "void");

/** Deletes a draft (sent, paid and void invoices are kept: void them instead). */
export function deleteInvoice(id: string): Promise<void> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const before = await findInvoice(db, id);
    assertStatus(before, ["draft"], "delete");
    await db.invoice.delete({ where: rowKey(before.id) });
    await recordAudit(db, { action: "invoice.deleted", entityType: "invoice", entityId: before.id, before });
  });
}
