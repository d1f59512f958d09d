import { z } from "zod";
import { ValidationError } from "@/lib/http/errors";

/**
 * Keyset pagination shared by every list: `limit` (1–100, default 20), an opaque `cursor`
 * (base64url of the last row's sort value and id), and a whitelisted `sort` (`name`,
 * `-createdAt`, …) with the id as tiebreaker, so every row appears exactly once across
 * pages even when sort values repeat or rows are added meanwhile.
 */

export type SortFieldType = "string" | "date" | "number";

export interface SortSpec<Field extends string = string> {
  fields: Record<Field, SortFieldType>;
  default: `${"" | "-"}${Field}`;
}

export interface Sort {
  field: string;
  direction: "asc" | "desc";
  type: SortFieldType;
  raw: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const paginationQuery = {
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be between 1 and 100")
    .max(100, "limit must be between 1 and 100")
    .default(20),
  cursor: z.string().max(500).optional(),
  sort: z.string().max(50).optional(),
};

export function parseSort(raw: string | undefined, spec: SortSpec): Sort {
  const value = raw?.trim() || spec.default;
  const direction = value.startsWith("-") ? "desc" : "asc";
  const field = value.replace(/^[-+]/, "");
  const type = Object.hasOwn(spec.fields, field) ? spec.fields[field as keyof typeof spec.fields] : undefined;
  if (!type) {
    const allowed = Object.keys(spec.fields)
      .flatMap((f) => [f, `-${f}`])
      .join(", ");
    throw new ValidationError([{ field: "sort", message: `Sort by one of: ${allowed}` }]);
  }
  return { field, direction, type, raw: `${direction === "desc" ? "-" : ""}${field}` };
}

export function orderByFor(sort: Sort): Record<string, "asc" | "desc">[] {
  return sort.field === "id" ? [{ id: sort.direction }] : [{ [sort.field]: sort.direction }, { id: sort.direction }];
}

interface CursorPayload {
  s: string;
  v: string | number;
  id: string;
}

const badCursor = () => new ValidationError([{ field: "cursor", message: "Invalid or expired cursor" }]);

function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, sort: Sort): { value: string | number | Date; id: string } {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const p = payload as Partial<CursorPayload> | null;
  if (!p || typeof p !== "object" || p.s !== sort.raw || typeof p.id !== "string" || !/^[0-9a-f-]{36}$/i.test(p.id))
    throw badCursor();
  if (sort.type === "number") {
    if (typeof p.v !== "number" || !Number.isFinite(p.v)) throw badCursor();
    return { value: p.v, id: p.id };
  }
  if (typeof p.v !== "string") throw badCursor();
  if (sort.type === "date") {
    const date = new Date(p.v);
    if (Number.isNaN(date.getTime())) throw badCursor();
    return { value: date, id: p.id };
  }
  return { value: p.v, id: p.id };
}

/** The filter that starts after the cursor's row in the given order (undefined without cursor). */
export function afterCursor(cursor: string | undefined, sort: Sort): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  const { value, id } = decodeCursor(cursor, sort);
  const op = sort.direction === "asc" ? "gt" : "lt";
  if (sort.field === "id") return { id: { [op]: id } };
  return { OR: [{ [sort.field]: { [op]: value } }, { [sort.field]: value, id: { [op]: id } }] };
}

/** Turns `limit + 1` fetched rows into a page and the cursor of its last row. */
export function toPage<Row extends { id: string }, T>(
  rows: Row[],
  limit: number,
  sort: Sort,
  map: (row: Row) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  let nextCursor: string | null = null;
  if (more && last) {
    const raw = (last as Record<string, unknown>)[sort.field];
    const v = raw instanceof Date ? raw.toISOString() : typeof raw === "number" ? raw : String(raw);
    nextCursor = encodeCursor({ s: sort.raw, v, id: last.id });
  }
  return { data: pageRows.map(map), nextCursor };
}

/** `URLSearchParams` → plain object for zod (repeated keys keep the last value). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries(params.entries());
}
