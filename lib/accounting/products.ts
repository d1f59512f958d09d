import { ConflictError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { releaseTenantQuota, withTenantQuota } from "@/lib/quotas/quotas";
import { recordAudit } from "./audit";
import { FEATURE_FOR_RESOURCE } from "./features";
import { afterCursor, orderByFor, parseSort, toPage, type Page, type SortSpec } from "./pagination";
import {
  productCreateSchema,
  productListSchema,
  productUpdateSchema,
  stockAdjustmentSchema,
  type ProductCreateInput,
  type ProductListInput,
  type ProductUpdateInput,
  type StockAdjustmentInput,
} from "./schemas";
import { requireId, rowKey, unitOfWork, type Db } from "./unit-of-work";

const FEATURE = FEATURE_FOR_RESOURCE.products;
const ENTITY = "Product";

export interface ProductDto {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  priceMinor: number;
  currency: string;
  stock: number;
  isArchived: boolean;
  createdAt: string;
  updatedAt: string;
}

type ProductRow = NonNullable<Awaited<ReturnType<Db["product"]["findFirst"]>>>;

export function toProductDto(row: ProductRow): ProductDto {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceMinor: row.priceMinor,
    currency: row.currency,
    stock: row.stock,
    isArchived: row.isArchived,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const PRODUCT_SORT: SortSpec<"name" | "sku" | "priceMinor" | "stock" | "createdAt" | "updatedAt"> = {
  fields: {
    name: "string",
    sku: "string",
    priceMinor: "number",
    stock: "number",
    createdAt: "date",
    updatedAt: "date",
  },
  default: "name",
};

async function findProduct(db: Db, id: string): Promise<ProductRow> {
  const row = await db.product.findFirst({ where: { id: requireId(id, ENTITY) } });
  if (!row) throw new NotFoundError(ENTITY);
  return row;
}

async function assertSkuFree(db: Db, sku: string, exceptId?: string): Promise<void> {
  const clash = await db.product.findFirst({ where: { sku, ...(exceptId ? { NOT: { id: exceptId } } : {}) } });
  if (clash) throw new ConflictError(`Another product already uses SKU ${sku}`, "sku");
}

export function listProducts(input: ProductListInput = {}): Promise<Page<ProductDto>> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const query = productListSchema.parse(input);
    const sort = parseSort(query.sort, PRODUCT_SORT);
    const rows = await db.product.findMany({
      where: {
        AND: [
          query.q
            ? {
                OR: [
                  { name: { contains: query.q, mode: "insensitive" as const } },
                  { sku: { contains: query.q, mode: "insensitive" as const } },
                ],
              }
            : {},
          query.archived === undefined ? {} : { isArchived: query.archived },
          afterCursor(query.cursor, sort) ?? {},
        ],
      },
      orderBy: orderByFor(sort),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, sort, toProductDto);
  });
}

export function getProduct(id: string): Promise<ProductDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => toProductDto(await findProduct(db, id)));
}

/** Counts against the products quota (given back when the creation fails). */
export function createProduct(input: ProductCreateInput): Promise<ProductDto> {
  return withTenantQuota("products", () =>
    unitOfWork(FEATURE, ENTITY, async (db) => {
      const data = productCreateSchema.parse(input);
      await assertSkuFree(db, data.sku);
      const after = toProductDto(await db.product.create({ data }));
      await recordAudit(db, { action: "product.created", entityType: "product", entityId: after.id, after });
      return after;
    }),
  );
}

export function updateProduct(id: string, input: ProductUpdateInput): Promise<ProductDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = productUpdateSchema.parse(input);
    const before = toProductDto(await findProduct(db, id));
    if (data.sku !== undefined && data.sku !== before.sku) await assertSkuFree(db, data.sku, before.id);
    const after = toProductDto(await db.product.update({ where: rowKey(before.id), data }));
    await recordAudit(db, { action: "product.updated", entityType: "product", entityId: after.id, before, after });
    return after;
  });
}

/**
 * Adds `delta` (negative to remove) to the stock, atomically; the stock can never go
 * below zero. The reason is kept in the audit event.
 */
export function adjustStock(id: string, delta: number, reason: string): Promise<ProductDto>;
export function adjustStock(id: string, input: StockAdjustmentInput): Promise<ProductDto>;
export function adjustStock(
  id: string,
  deltaOrInput: number | StockAdjustmentInput,
  reason?: string,
): Promise<ProductDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const input = stockAdjustmentSchema.parse(
      typeof deltaOrInput === "number" ? { delta: deltaOrInput, reason } : deltaOrInput,
    );
    const before = toProductDto(await findProduct(db, id));
    const row = await db.product.update({ where: rowKey(before.id), data: { stock: { increment: input.delta } } });
    if (row.stock < 0)
      throw new ValidationError([
        { field: "delta", message: `Only ${row.stock - input.delta} in stock: cannot remove ${-input.delta}` },
      ]);
    const after = toProductDto(row);
    await recordAudit(db, {
      action: "product.stock_adjusted",
      entityType: "product",
      entityId: after.id,
      before,
      after: { ...after, adjustment: { delta: input.delta, reason: input.reason } },
    });
    return after;
  });
}

/** Deletes a product no invoice line uses; a used one should be archived (isArchived: true). */
export async function deleteProduct(id: string): Promise<void> {
  await removeProduct(id);
  await releaseTenantQuota("products");
}

function removeProduct(id: string): Promise<void> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const before = toProductDto(await findProduct(db, id));
    const used = await db.invoiceLine.count({ where: { productId: before.id } });
    if (used > 0)
      throw new ConflictError(
        `This product is used by ${used} invoice line(s); archive it instead (PATCH isArchived: true)`,
        "id",
      );
    await db.product.delete({ where: rowKey(before.id) });
    await recordAudit(db, { action: "product.deleted", entityType: "product", entityId: before.id, before });
  });
}
