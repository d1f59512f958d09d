import { z } from "zod";
import { paginationQuery } from "./pagination";

/**
 * The accounting API's input schemas (zod 4), exported so pages and server actions can
 * validate forms with the very same rules. Every issue's path names the field.
 */

const MAX_INT = 2_147_483_647;

/** Optional free text: trimmed; "" and null clear the value. */
const optionalText = (max: number) =>
  z
    .string({ error: "Must be text" })
    .trim()
    .max(max, `At most ${max} characters`)
    .nullish()
    .transform((v) => (v === "" ? null : v));

const requiredText = (max: number, what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is required`)
    .max(max, `At most ${max} characters`);

export const isoDate = z.iso.date({ error: "Use a date like 2025-01-31" });
export const uuid = (what: string) => z.guid({ error: `${what} must be a uuid` });
const money = (what: string) =>
  z
    .number({ error: `${what} must be a number of minor units (cents)` })
    .int(`${what} must be a whole number of minor units (cents)`)
    .min(0, `${what} cannot be negative`)
    .max(MAX_INT, `${what} is too large`);
const currency = z
  .string({ error: "Use a 3-letter currency code" })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, "Use a 3-letter currency code like USD");

const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);
const booleanQuery = z.preprocess(
  emptyToUndefined,
  z
    .enum(["true", "false"], { error: "Use true or false" })
    .transform((v) => v === "true")
    .optional(),
);

// ── customers ────────────────────────────────────────────────────────────────────────

export const customerCreateSchema = z.object({
  name: requiredText(255, "Name"),
  email: z
    .string({ error: "Must be text" })
    .trim()
    .max(255, "At most 255 characters")
    .pipe(z.union([z.literal(""), z.email("Enter a valid e-mail address")]))
    .nullish()
    .transform((v) => (v === "" ? null : v)),
  phone: optionalText(50),
  taxId: optionalText(50),
  addressLine1: optionalText(255),
  addressLine2: optionalText(255),
  city: optionalText(100),
  postalCode: optionalText(20),
  country: z
    .string({ error: "Use a 2-letter country code" })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Use a 2-letter country code like US")
    .nullish(),
  notes: optionalText(5000),
});
export const customerUpdateSchema = customerCreateSchema.partial();
export const customerListSchema = z.object({
  ...paginationQuery,
  q: z.string().trim().max(255).optional(),
});
export type CustomerCreateInput = z.input<typeof customerCreateSchema>;
export type CustomerUpdateInput = z.input<typeof customerUpdateSchema>;
export type CustomerListInput = z.input<typeof customerListSchema>;

// ── products ─────────────────────────────────────────────────────────────────────────

export const productCreateSchema = z.object({
  sku: requiredText(64, "SKU"),
  name: requiredText(255, "Name"),
  description: optionalText(5000),
  priceMinor: money("priceMinor").default(0),
  currency: currency.optional(),
  stock: z
    .number({ error: "stock must be a whole number" })
    .int("stock must be a whole number")
    .min(0, "stock cannot be negative")
    .max(MAX_INT, "stock is too large")
    .default(0),
  isArchived: z.boolean({ error: "isArchived must be true or false" }).default(false),
});
/** Stock changes only through adjustStock (with a reason), never by a plain update. */
export const productUpdateSchema = productCreateSchema
  .omit({ stock: true })
  .extend({ priceMinor: money("priceMinor"), isArchived: z.boolean({ error: "isArchived must be true or false" }) })
  .partial();
export const stockAdjustmentSchema = z.object({
  delta: z
    .number({ error: "delta must be a whole number" })
    .int("delta must be a whole number")
    .min(-1_000_000_000, "delta is too large")
    .max(1_000_000_000, "delta is too large")
    .refine((v) => v !== 0, "delta cannot be zero"),
  reason: requiredText(255, "Reason"),
});
export const productListSchema = z.object({
  ...paginationQuery,
  q: z.string().trim().max(255).optional(),
  archived: booleanQuery,
});
export type ProductCreateInput = z.input<typeof productCreateSchema>;
export type ProductUpdateInput = z.input<typeof productUpdateSchema>;
export type StockAdjustmentInput = z.input<typeof stockAdjustmentSchema>;
export type ProductListInput = z.input<typeof productListSchema>;

// ── invoices ─────────────────────────────────────────────────────────────────────────

export const INVOICE_STATUSES = ["draft", "sent", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const invoiceLineSchema = z.object({
  description: requiredText(500, "Description"),
  quantity: z
    .number({ error: "quantity must be a number" })
    .positive("quantity must be greater than zero")
    .max(1_000_000, "quantity is too large")
    .refine((q) => Math.abs(Math.round(q * 1000) - q * 1000) < 1e-6, "quantity has at most 3 decimals"),
  unitPriceMinor: money("unitPriceMinor").max(1_000_000_000, "unitPriceMinor is too large"),
  taxRateBps: z
    .number({ error: "taxRateBps must be a whole number of basis points" })
    .int("taxRateBps must be a whole number of basis points")
    .min(0, "taxRateBps cannot be negative")
    .max(10_000, "taxRateBps is at most 10000 (100%)")
    .default(0),
  productId: uuid("productId").nullish(),
});
const invoiceLines = z
  .array(invoiceLineSchema, { error: "lines must be a list" })
  .min(1, "An invoice needs at least one line")
  .max(200, "At most 200 lines");

const invoiceFields = {
  customerId: uuid("customerId"),
  number: requiredText(50, "Number")
    .regex(/^[\w./#-]+$/, "Use letters, digits and - _ . / # only")
    .optional(),
  issueDate: isoDate.optional(),
  dueDate: isoDate.optional(),
  currency: currency.optional(),
  notes: optionalText(5000),
  lines: invoiceLines,
};

function dueAfterIssue(value: { issueDate?: string; dueDate?: string }, ctx: z.RefinementCtx): void {
  if (value.issueDate && value.dueDate && value.dueDate < value.issueDate)
    ctx.addIssue({ code: "custom", path: ["dueDate"], message: "dueDate cannot be before issueDate" });
}

export const invoiceCreateSchema = z.object(invoiceFields).superRefine(dueAfterIssue);
/** Drafts only; `lines`, when given, replace every line. */
export const invoiceUpdateSchema = z.object(invoiceFields).partial();
export const invoiceListSchema = z
  .object({
    ...paginationQuery,
    status: z.preprocess(
      emptyToUndefined,
      z.enum(INVOICE_STATUSES, { error: "Use draft, sent, paid or void" }).optional(),
    ),
    customerId: z.preprocess(emptyToUndefined, uuid("customerId").optional()),
    from: z.preprocess(emptyToUndefined, isoDate.optional()),
    to: z.preprocess(emptyToUndefined, isoDate.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.to < v.from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "to cannot be before from" });
  });
export type InvoiceLineInput = z.input<typeof invoiceLineSchema>;
export type InvoiceCreateInput = z.input<typeof invoiceCreateSchema>;
export type InvoiceUpdateInput = z.input<typeof invoiceUpdateSchema>;
export type InvoiceListInput = z.input<typeof invoiceListSchema>;

// ── projects ─────────────────────────────────────────────────────────────────────────

export const PROJECT_STATUSES = ["active", "completed", "archived"] as const;

const projectFields = {
  name: requiredText(255, "Name"),
  description: optionalText(5000),
  customerId: uuid("customerId").nullish(),
  status: z.enum(PROJECT_STATUSES, { error: "Use active, completed or archived" }).default("active"),
  budgetMinor: money("budgetMinor").nullish(),
  startDate: isoDate.nullish(),
  endDate: isoDate.nullish(),
};

function endAfterStart(value: { startDate?: string | null; endDate?: string | null }, ctx: z.RefinementCtx): void {
  if (value.startDate && value.endDate && value.endDate < value.startDate)
    ctx.addIssue({ code: "custom", path: ["endDate"], message: "endDate cannot be before startDate" });
}

export const projectCreateSchema = z.object(projectFields).superRefine(endAfterStart);
export const projectUpdateSchema = z
  .object({ ...projectFields, status: z.enum(PROJECT_STATUSES, { error: "Use active, completed or archived" }) })
  .partial();
export const projectListSchema = z.object({
  ...paginationQuery,
  status: z.preprocess(
    emptyToUndefined,
    z.enum(PROJECT_STATUSES, { error: "Use active, completed or archived" }).optional(),
  ),
  customerId: z.preprocess(emptyToUndefined, uuid("customerId").optional()),
});
export type ProjectCreateInput = z.input<typeof projectCreateSchema>;
export type ProjectUpdateInput = z.input<typeof projectUpdateSchema>;
export type ProjectListInput = z.input<typeof projectListSchema>;

// ── reports ──────────────────────────────────────────────────────────────────────────

export const reportSummarySchema = z.object({ currency: z.preprocess(emptyToUndefined, currency.optional()) });
export type ReportSummaryInput = z.input<typeof reportSummarySchema>;
