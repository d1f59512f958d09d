/**
 * Pure rewriting of Prisma operation arguments so they can only touch the current tenant's
 * rows. Used by the scoped client (scoped-client.ts); kept apart so it can be tested alone.
 *
 * - Filters (`where`, also nested: connect, set, disconnect, delete, upsert/update/… where)
 *   get `tenantId` forced to the current tenant, including inside compound unique keys
 *   (`tenantId_id`, `tenantId_number`, `tenantId_sku`). Another tenant's id therefore
 *   behaves exactly like a missing row.
 * - Data (`data`, `create`, `update`, nested creates) get `tenantId` set at the top level;
 *   a different tenantId anywhere in data is refused: tenant_id can never be changed.
 */

export class TenantIdChangeError extends Error {
  constructor() {
    super("tenant_id cannot be set to another tenant or changed");
    this.name = "TenantIdChangeError";
  }
}

export type Operation =
  | "findUnique"
  | "findUniqueOrThrow"
  | "findFirst"
  | "findFirstOrThrow"
  | "findMany"
  | "create"
  | "createMany"
  | "createManyAndReturn"
  | "update"
  | "updateMany"
  | "updateManyAndReturn"
  | "upsert"
  | "delete"
  | "deleteMany"
  | "count"
  | "aggregate"
  | "groupBy";

type Json = Record<string, unknown>;

const WHERE_KEYS = new Set(["where", "connect", "set", "disconnect", "delete", "deleteMany"]);
const DATA_KEYS = new Set(["data", "create", "update", "createMany"]);
/** Keys that shape the result (which fields, which order), where `tenantId: true` is a field, not a filter. */
const SHAPE_KEYS = new Set([
  "select",
  "include",
  "omit",
  "orderBy",
  "distinct",
  "by",
  "_count",
  "_sum",
  "_avg",
  "_min",
  "_max",
]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Forces tenantId in a filter (and in every nested filter / compound key inside it). */
function scopeFilter(filter: unknown, tenantId: string): unknown {
  if (Array.isArray(filter)) return filter.map((f) => scopeFilter(f, tenantId));
  if (!isObject(filter)) return filter;
  const out: Json = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === "tenantId") continue;
    if (key.startsWith("tenantId_") && isObject(value)) out[key] = { ...value, tenantId };
    else if (key === "AND" || key === "OR" || key === "NOT") out[key] = scopeFilter(value, tenantId);
    else out[key] = isObject(value) ? scopeNested(value, tenantId, false) : value;
  }
  out.tenantId = tenantId;
  return out;
}

/**
 * Walks a result shape (select, include, omit, orderBy, aggregates): field flags and sort
 * orders stay as they are, while the filters of nested relations are scoped.
 */
function scopeShape(node: unknown, tenantId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => scopeShape(n, tenantId));
  if (!isObject(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (WHERE_KEYS.has(key) || key === "having") out[key] = scopeFilter(value, tenantId);
    else if (key === "cursor" && isObject(value)) out[key] = scopeNested(value, tenantId, false);
    else out[key] = scopeShape(value, tenantId);
  }
  return out;
}

/**
 * Walks relation payloads: filter-like keys are scoped, data-like keys are checked.
 * `inData` says whether a bare tenantId here would be written (and so must not differ).
 */
function scopeNested(node: Json, tenantId: string, inData: boolean): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "tenantId") {
      if (inData && value !== tenantId) throw new TenantIdChangeError();
      out[key] = inData ? value : tenantId;
    } else if (key.startsWith("tenantId_") && isObject(value)) {
      out[key] = { ...value, tenantId };
    } else if (WHERE_KEYS.has(key)) {
      out[key] = scopeFilter(value, tenantId);
    } else if (SHAPE_KEYS.has(key) && !inData) {
      out[key] = scopeShape(value, tenantId);
    } else if (DATA_KEYS.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((v) => (isObject(v) ? scopeNested(v, tenantId, true) : v))
        : isObject(value)
          ? scopeNested(value, tenantId, true)
          : value;
    } else if (Array.isArray(value)) {
      out[key] = value.map((v) => (isObject(v) ? scopeNested(v, tenantId, inData) : v));
    } else if (isObject(value)) {
      out[key] = scopeNested(value, tenantId, inData);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Top-level data of a create: tenantId set (or checked), nested writes scoped. */
function scopeCreateData(data: unknown, tenantId: string): Json {
  const row = isObject(data) ? data : {};
  if ("tenantId" in row && row.tenantId !== tenantId) throw new TenantIdChangeError();
  return { ...scopeNested(row, tenantId, true), tenantId };
}

/** Top-level data of an update: tenantId may only be repeated, never changed. */
function scopeUpdateData(data: unknown, tenantId: string): Json {
  const row = isObject(data) ? data : {};
  if ("tenantId" in row && row.tenantId !== tenantId && !isUnchangedSet(row.tenantId, tenantId)) {
    throw new TenantIdChangeError();
  }
  return scopeNested(row, tenantId, true);
}

function isUnchangedSet(value: unknown, tenantId: string): boolean {
  return isObject(value) && Object.keys(value).length === 1 && value.set === tenantId;
}

export function scopeArgs(operation: Operation, rawArgs: unknown, tenantId: string): Json {
  const args: Json = isObject(rawArgs) ? { ...rawArgs } : {};
  switch (operation) {
    case "create":
      return { ...scopeNested(args, tenantId, false), data: scopeCreateData(args.data, tenantId) };
    case "createMany":
    case "createManyAndReturn": {
      const rows = Array.isArray(args.data) ? args.data : [args.data];
      return { ...args, data: rows.map((row) => scopeCreateData(row, tenantId)) };
    }
    case "update":
    case "updateMany":
    case "updateManyAndReturn":
      return {
        ...scopeNested(args, tenantId, false),
        where: scopeFilter(args.where ?? {}, tenantId),
        data: scopeUpdateData(args.data, tenantId),
      };
    case "upsert":
      return {
        ...scopeNested(args, tenantId, false),
        where: scopeFilter(args.where ?? {}, tenantId),
        create: scopeCreateData(args.create, tenantId),
        update: scopeUpdateData(args.update, tenantId),
      };
    default:
      // Reads, deletes, count, aggregate, groupBy: only the filter matters (plus includes,
      // whose relation filters are scoped too).
      return { ...scopeNested(args, tenantId, false), where: scopeFilter(args.where ?? {}, tenantId) };
  }
}

/**
 * A unique filter (`{ tenantId_id: { tenantId, id } }`) as the equivalent plain filter
 * (`{ tenantId, id }`), so a scoped `findUnique` can be sent as a `findFirst`: Prisma
 * batches same-tick `findUnique` calls of different requests into one query, which a
 * per-statement tenant must never see (lib/db/statement-scope.ts).
 */
export function uniqueWhereAsFilter(where: unknown): unknown {
  if (!isObject(where)) return where;
  const out: Json = {};
  for (const [key, value] of Object.entries(where)) {
    const parts = key.split("_");
    const compound =
      parts.length > 1 &&
      isObject(value) &&
      Object.keys(value).length === parts.length &&
      parts.every((part) => part in value);
    if (compound) Object.assign(out, value);
    else out[key] = value;
  }
  return out;
}
