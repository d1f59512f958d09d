import { ZodError } from "zod";
import { ConflictError, DomainError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";

/**
 * Maps Prisma's known request errors to domain errors that name the field:
 * P2002 unique → 409 ConflictError, P2025 missing row → 404, P2003 foreign key → 422,
 * P2023/P2007 malformed value (e.g. not a uuid) → 404. A ZodError becomes a ValidationError
 * (the same field issues the HTTP layer would produce), so services throw domain errors only.
 * Anything else is rethrown as is.
 */

interface PrismaLikeError {
  code: string;
  meta?: unknown;
  message: string;
}

function isPrismaError(error: unknown): error is PrismaLikeError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    /^P\d{4}$/.test((error as { code: string }).code)
  );
}

const FIELD_COLUMNS: Record<string, string> = {
  number: "number",
  sku: "sku",
  customer_id: "customerId",
  customerId: "customerId",
  product_id: "productId",
  productId: "productId",
  invoice_id: "invoiceId",
  invoiceId: "invoiceId",
  // foreign key constraint names: invoices_customer_fkey, invoice_lines_product_fkey, …
  customer: "customerId",
  product: "productId",
};

/** Finds the first field this error's metadata (or message) names, in a stable order. */
function namedField(error: PrismaLikeError, candidates: string[]): string | undefined {
  const haystack = `${safeJson(error.meta)} ${error.message}`;
  for (const column of candidates)
    if (new RegExp(`(?<![A-Za-z])${column}(?![A-Za-z])`).test(haystack)) return FIELD_COLUMNS[column];
  return undefined;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

export function mapPrismaError(error: unknown, entity = "Resource"): unknown {
  if (error instanceof ZodError) return new ValidationError(zodIssues(error));
  if (error instanceof DomainError || !isPrismaError(error)) return error;
  switch (error.code) {
    case "P2002": {
      const field = namedField(error, ["number", "sku"]) ?? "id";
      return new ConflictError(`Another record already uses this ${field}`, field);
    }
    case "P2025":
      return new NotFoundError(entity);
    case "P2003": {
      // Deleting a row others still reference: a conflict, not bad input.
      if (/update or delete on table/i.test(`${safeJson(error.meta)} ${error.message}`))
        return new ConflictError("The record is still referenced by other records");
      const field = namedField(error, ["customer_id", "customerId", "customer", "product_id", "productId", "product"]);
      if (field) return new ValidationError([{ field, message: "Refers to a record that does not exist" }]);
      return new ConflictError("The record is still referenced by other records");
    }
    case "P2023":
    case "P2007":
      return new NotFoundError(entity);
    default:
      return error;
  }
}

/** Runs `fn`, translating zod and Prisma errors (including a failed commit) into domain errors. */
export async function mappingPrismaErrors<T>(entity: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapPrismaError(error, entity);
  }
}
