import { ConflictError, NotFoundError } from "@/lib/http/errors";
import { recordAudit } from "./audit";
import { FEATURE_FOR_RESOURCE } from "./features";
import { afterCursor, orderByFor, parseSort, toPage, type Page, type SortSpec } from "./pagination";
import {
  customerCreateSchema,
  customerListSchema,
  customerUpdateSchema,
  type CustomerCreateInput,
  type CustomerListInput,
  type CustomerUpdateInput,
} from "./schemas";
import { requireId, rowKey, unitOfWork, type Db } from "./unit-of-work";

const FEATURE = FEATURE_FOR_RESOURCE.customers;
const ENTITY = "Customer";

export interface CustomerDto {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  taxId: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  postalCode: string | null;
  country: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

type CustomerRow = NonNullable<Awaited<ReturnType<Db["customer"]["findFirst"]>>>;

export function toCustomerDto(row: CustomerRow): CustomerDto {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    taxId: row.taxId,
    addressLine1: row.addressLine1,
    addressLine2: row.addressLine2,
    city: row.city,
    postalCode: row.postalCode,
    country: row.country,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const CUSTOMER_SORT: SortSpec<"name" | "createdAt" | "updatedAt"> = {
  fields: { name: "string", createdAt: "date", updatedAt: "date" },
  default: "name",
};

async function findCustomer(db: Db, id: string): Promise<CustomerRow> {
  const row = await db.customer.findFirst({ where: { id: requireId(id, ENTITY) } });
  if (!row) throw new NotFoundError(ENTITY);
  return row;
}

export function listCustomers(input: CustomerListInput = {}): Promise<Page<CustomerDto>> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const query = customerListSchema.parse(input);
    const sort = parseSort(query.sort, CUSTOMER_SORT);
    const rows = await db.customer.findMany({
      where: {
        AND: [
          query.q
            ? {
                OR: [
                  { name: { contains: query.q, mode: "insensitive" as const } },
                  { email: { contains: query.q, mode: "insensitive" as const } },
                ],
              }
            : {},
          afterCursor(query.cursor, sort) ?? {},
        ],
      },
      orderBy: orderByFor(sort),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, sort, toCustomerDto);
  });
}

export function getCustomer(id: string): Promise<CustomerDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => toCustomerDto(await findCustomer(db, id)));
}

export function createCustomer(input: CustomerCreateInput): Promise<CustomerDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = customerCreateSchema.parse(input);
    const after = toCustomerDto(await db.customer.create({ data }));
    await recordAudit(db, { action: "customer.created", entityType: "customer", entityId: after.id, after });
    return after;
  });
}

export function updateCustomer(id: string, input: CustomerUpdateInput): Promise<CustomerDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = customerUpdateSchema.parse(input);
    const before = toCustomerDto(await findCustomer(db, id));
    const after = toCustomerDto(await db.customer.update({ where: rowKey(before.id), data }));
    await recordAudit(db, { action: "customer.updated", entityType: "customer", entityId: after.id, before, after });
    return after;
  });
}

/** Deletes a customer that has no invoices and no projects. */
export function deleteCustomer(id: string): Promise<void> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const before = toCustomerDto(await findCustomer(db, id));
    const invoices = await db.invoice.count({ where: { customerId: before.id } });
    const projects = await db.project.count({ where: { customerId: before.id } });
    if (invoices > 0 || projects > 0)
      throw new ConflictError(
        `This customer has ${invoices} invoice(s) and ${projects} project(s); it cannot be deleted`,
        "id",
      );
    await db.customer.delete({ where: rowKey(before.id) });
    await recordAudit(db, { action: "customer.deleted", entityType: "customer", entityId: before.id, before });
  });
}
