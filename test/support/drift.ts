import { getDMMF, type GetDMMFError } from "@prisma/get-dmmf";
import type { SqlExecutor } from "@/lib/db/sql";

/**
 * Schema drift check: compares a Prisma schema (its DMMF) with the tables that the SQL
 * migrations actually created, read back from pg_catalog. The SQL migrations are the
 * source of truth for the database; the Prisma schemas must describe them exactly, or
 * Prisma reads and writes columns that do not exist (or not in the shape it thinks).
 *
 * Checked for every model: its table exists; every scalar field has a column of a
 * compatible type with the same nullability; the table has no column the model lacks;
 * the primary key has exactly the model's id columns, in order; every @unique / @@unique
 * is backed by a unique constraint or unique index on exactly those columns; every
 * relation with `fields` is backed by a foreign key on those columns to the referenced
 * columns. With `tenantPlane`, tenant_id must also lead every primary key, unique index
 * and foreign key, so a row can never point at another tenant's row.
 */

type Document = Exclude<ReturnType<typeof getDMMF>, GetDMMFError>;
type Model = Document["datamodel"]["models"][number];
type Field = Model["fields"][number];

export interface DriftOptions {
  /** Schema holding the migrated tables. Default "public". */
  schema?: string;
  /** Also require tenant_id to lead every primary key, unique index and foreign key. */
  tenantPlane?: boolean;
}

/** Parses a Prisma schema into its DMMF; throws with Prisma's own message when it is invalid. */
export function loadDatamodel(schemaText: string): Document["datamodel"] {
  const result = getDMMF({ datamodel: schemaText });
  if ("type" in result && "reason" in result) {
    let message = result.error?.message ?? result.reason;
    try {
      message = (JSON.parse(message.slice(message.indexOf("{"))) as { message?: string }).message ?? message;
    } catch {
      // not Prisma's JSON envelope: keep the text as it is
    }
    throw new Error(`Invalid Prisma schema: ${message.replace(/\u001b\[[0-9;]*m/g, "")}`);
  }
  return (result as Document).datamodel;
}

/**
 * The PostgreSQL type (as pg_catalog's format_type prints it) that Prisma expects for a
 * scalar field, or null when the field's type is not one this check knows.
 */
export function expectedColumnType(field: Pick<Field, "type" | "kind" | "isList" | "nativeType">): string | null {
  const base = baseColumnType(field);
  if (base === null) return null;
  return field.isList ? `${base}[]` : base;
}

function baseColumnType(field: Pick<Field, "type" | "kind" | "nativeType">): string | null {
  if (field.kind === "enum") return String(field.type);
  const [native, args = []] = (field.nativeType ?? [null, []]) as [string | null, string[]];
  const arg = (i: number): string | undefined => args[i];
  const withArgs = (name: string): string => (args.length ? `${name}(${args.join(",")})` : name);
  switch (field.type) {
    case "String":
      switch (native) {
        case null:
        case "Text":
          return "text";
        case "Uuid":
          return "uuid";
        case "VarChar":
          return withArgs("character varying");
        case "Char":
          return withArgs("character");
        case "Citext":
          return "citext";
        case "Inet":
          return "inet";
        case "Xml":
          return "xml";
        default:
          return null;
      }
    case "Int":
      if (native === null || native === "Integer") return "integer";
      if (native === "SmallInt") return "smallint";
      if (native === "Oid") return "oid";
      return null;
    case "BigInt":
      return native === null || native === "BigInt" ? "bigint" : null;
    case "Float":
      if (native === null || native === "DoublePrecision") return "double precision";
      if (native === "Real") return "real";
      return null;
    case "Decimal":
      if (native === null) return "numeric(65,30)";
      if (native === "Decimal") return withArgs("numeric");
      if (native === "Money") return "money";
      return null;
    case "Boolean":
      return native === null || native === "Boolean" ? "boolean" : null;
    case "Bytes":
      return native === null || native === "ByteA" ? "bytea" : null;
    case "Json":
      if (native === null || native === "JsonB") return "jsonb";
      if (native === "Json") return "json";
      return null;
    case "DateTime": {
      const p = arg(0);
      switch (native) {
        case null:
          return "timestamp(3) without time zone";
        case "Timestamp":
          return `timestamp${p ? `(${p})` : ""} without time zone`;
        case "Timestamptz":
          return `timestamp${p ? `(${p})` : ""} with time zone`;
        case "Date":
          return "date";
        case "Time":
          return `time${p ? `(${p})` : ""} without time zone`;
        case "Timetz":
          return `time${p ? `(${p})` : ""} with time zone`;
        default:
          return null;
      }
    }
    default:
      return null;
  }
}

const normaliseType = (type: string): string => type.replace(/,\s+/g, ",");

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  not_null: boolean;
}
interface KeyRow {
  table: string;
  name: string;
  columns: string;
}
interface ForeignKeyRow extends KeyRow {
  ref_schema: string;
  ref_table: string;
  ref_columns: string;
}

interface Catalog {
  tables: Set<string>;
  columns: Map<string, Map<string, ColumnRow>>;
  primaryKeys: Map<string, string[]>;
  uniques: Map<string, Array<{ name: string; columns: string[] }>>;
  foreignKeys: Map<
    string,
    Array<{ name: string; columns: string[]; refSchema: string; refTable: string; refColumns: string[] }>
  >;
}

const splitColumns = (list: string | null): string[] => (list ? list.split(",") : []);

function groupBy<T, V>(rows: T[], key: (row: T) => string, value: (row: T) => V): Map<string, V[]> {
  const map = new Map<string, V[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k) ?? [];
    list.push(value(row));
    map.set(k, list);
  }
  return map;
}

/** Reads tables, columns and keys of one schema from pg_catalog. */
export async function readCatalog(sql: SqlExecutor, schema: string): Promise<Catalog> {
  const tables = await sql.query<{ table: string }>(
    `SELECT c.relname::text AS "table"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`,
    [schema],
  );
  const columns = await sql.query<ColumnRow>(
    `SELECT c.relname::text AS "table", a.attname::text AS "column",
            format_type(a.atttypid, a.atttypmod) AS "type", a.attnotnull AS not_null
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema],
  );
  const primaryKeys = await sql.query<KeyRow>(
    `SELECT t.relname::text AS "table", con.conname::text AS name,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND con.contype = 'p'`,
    [schema],
  );
  // Unique constraints are backed by unique indexes, so the indexes cover both. Partial
  // indexes (WHERE …) and expression indexes do not make a column set unique: left out.
  const uniques = await sql.query<KeyRow>(
    `SELECT t.relname::text AS "table", i.relname::text AS name,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
              WHERE k.ord <= x.indnkeyatts) AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND x.indisunique AND x.indpred IS NULL AND x.indexprs IS NULL`,
    [schema],
  );
  const foreignKeys = await sql.query<ForeignKeyRow>(
    `SELECT t.relname::text AS "table", con.conname::text AS name,
            rn.nspname::text AS ref_schema, rt.relname::text AS ref_table,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
               FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
            (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
               FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS ref_columns
       FROM pg_constraint con
       JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_class rt ON rt.oid = con.confrelid
       JOIN pg_namespace rn ON rn.oid = rt.relnamespace
      WHERE n.nspname = $1 AND con.contype = 'f'`,
    [schema],
  );

  const columnMap = new Map<string, Map<string, ColumnRow>>();
  for (const row of columns) {
    const table = columnMap.get(row.table) ?? new Map<string, ColumnRow>();
    table.set(row.column, row);
    columnMap.set(row.table, table);
  }
  return {
    tables: new Set(tables.map((row) => row.table)),
    columns: columnMap,
    primaryKeys: new Map(primaryKeys.map((row) => [row.table, splitColumns(row.columns)])),
    uniques: groupBy(
      uniques,
      (row) => row.table,
      (row) => ({ name: row.name, columns: splitColumns(row.columns) }),
    ),
    foreignKeys: groupBy(
      foreignKeys,
      (row) => row.table,
      (row) => ({
        name: row.name,
        columns: splitColumns(row.columns),
        refSchema: row.ref_schema,
        refTable: row.ref_table,
        refColumns: splitColumns(row.ref_columns),
      }),
    ),
  };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");
const list = (columns: readonly string[]): string => `(${columns.join(", ")})`;

/**
 * Every difference between the Prisma schema `schemaText` and the tables in `options.schema`
 * of the database behind `sql`, as human-readable sentences. Empty means no drift.
 */
export async function findDrift(schemaText: string, sql: SqlExecutor, options: DriftOptions = {}): Promise<string[]> {
  const schema = options.schema ?? "public";
  const datamodel = loadDatamodel(schemaText);
  const catalog = await readCatalog(sql, schema);
  const problems: string[] = [];
  const tableOf = (model: Model): string => model.dbName ?? model.name;
  const modelsByName = new Map(datamodel.models.map((m) => [m.name, m]));

  for (const model of datamodel.models) {
    const table = tableOf(model);
    const where = `${model.name} (table ${schema}.${table})`;
    if (!catalog.tables.has(table)) {
      problems.push(`${where}: the table does not exist`);
      continue;
    }
    const columnOf = (fieldName: string): string => {
      const field = model.fields.find((f) => f.name === fieldName);
      return field?.dbName ?? fieldName;
    };

    // Columns: existence, type, nullability; then columns the model does not know.
    const dbColumns = catalog.columns.get(table) ?? new Map<string, ColumnRow>();
    const modelled = new Set<string>();
    for (const field of model.fields) {
      if (field.kind !== "scalar" && field.kind !== "enum") continue;
      const column = field.dbName ?? field.name;
      modelled.add(column);
      const at = `${model.name}.${field.name} (column ${table}.${column})`;
      const found = dbColumns.get(column);
      if (!found) {
        problems.push(`${at}: the column does not exist`);
        continue;
      }
      const expected = expectedColumnType(field);
      if (expected === null) {
        const native = field.nativeType ? ` @db.${field.nativeType[0]}` : "";
        problems.push(`${at}: cannot check type ${field.type}${native}, the drift check does not know it`);
      } else if (normaliseType(found.type) !== normaliseType(expected)) {
        problems.push(`${at}: the database type is ${found.type}, the schema expects ${expected}`);
      }
      if (field.isRequired && !found.not_null) {
        problems.push(`${at}: the column is nullable in the database, the schema says required`);
      } else if (!field.isRequired && found.not_null) {
        problems.push(`${at}: the column is NOT NULL in the database, the schema says optional`);
      }
    }
    for (const column of dbColumns.keys()) {
      if (!modelled.has(column)) {
        problems.push(`${where}: the database has column ${column}, which the model does not declare`);
      }
    }

    // Primary key, in order.
    const idFields = model.primaryKey?.fields ?? model.fields.filter((f) => f.isId).map((f) => f.name);
    const expectedPk = idFields.map(columnOf);
    const actualPk = catalog.primaryKeys.get(table) ?? [];
    if (expectedPk.join(",") !== actualPk.join(",")) {
      problems.push(
        `${where}: the primary key is ${actualPk.length ? list(actualPk) : "missing"} in the database, ` +
          `the schema expects ${list(expectedPk)}`,
      );
    }

    // @unique and @@unique: a unique constraint or index on exactly those columns.
    const expectedUniques = [
      ...model.fields.filter((f) => f.isUnique).map((f) => [f.name]),
      ...model.uniqueIndexes.map((u) => u.fields),
    ];
    const dbUniques = catalog.uniques.get(table) ?? [];
    for (const fields of expectedUniques) {
      const columns = fields.map(columnOf);
      if (!dbUniques.some((u) => sameSet(u.columns, columns))) {
        problems.push(
          `${where}: no unique constraint or unique index on ${list(columns)} (schema: unique ${list(fields)})`,
        );
      }
    }

    // Relations that hold the foreign key: a FOREIGN KEY on those columns to the referenced ones.
    const dbForeignKeys = catalog.foreignKeys.get(table) ?? [];
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = modelsByName.get(String(field.type));
      if (!target) continue;
      const targetTable = tableOf(target);
      const targetColumnOf = (name: string): string => target.fields.find((f) => f.name === name)?.dbName ?? name;
      const from = field.relationFromFields.map(columnOf);
      const to = (field.relationToFields ?? []).map(targetColumnOf);
      const pairs = from.map((column, i) => `${column}->${to[i]}`);
      const match = dbForeignKeys.some(
        (fk) =>
          fk.refTable === targetTable &&
          fk.refSchema === schema &&
          sameSet(
            fk.columns.map((column, i) => `${column}->${fk.refColumns[i]}`),
            pairs,
          ),
      );
      if (!match) {
        problems.push(
          `${model.name}.${field.name} (table ${table}): no foreign key ${list(from)} → ${targetTable} ${list(to)}`,
        );
      }
    }

    if (options.tenantPlane) {
      if (actualPk[0] !== "tenant_id") {
        problems.push(`${where}: tenant_id must be the first primary key column, the key is ${list(actualPk)}`);
      }
      for (const unique of dbUniques) {
        if (unique.columns[0] !== "tenant_id") {
          problems.push(`${where}: unique ${unique.name} ${list(unique.columns)} does not start with tenant_id`);
        }
      }
      for (const fk of dbForeignKeys) {
        if (fk.columns[0] !== "tenant_id" || fk.refColumns[0] !== "tenant_id") {
          problems.push(`${where}: foreign key ${fk.name} ${list(fk.columns)} does not start with tenant_id`);
        }
      }
    }
  }
  return problems;
}
