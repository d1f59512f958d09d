import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { migrate } from "@/lib/db/migrations";
import { describeEachDatabase } from "../support/databases";
import { expectedColumnType, findDrift, loadDatamodel } from "../support/drift";

/**
 * The SQL migrations create the database; the Prisma schemas describe it to Prisma. This
 * test keeps the two in step: any difference in tables, columns, types, nullability, keys,
 * unique constraints or foreign keys fails it, with the difference spelled out.
 */

const CONTROL = readFileSync(join(process.cwd(), "prisma", "control.prisma"), "utf8");
const TENANT = readFileSync(join(process.cwd(), "prisma", "tenant.prisma"), "utf8");

/** Like edit(), but only inside `model <name> { … }`. */
function editModel(text: string, model: string, pattern: RegExp, replacement: string): string {
  const start = text.indexOf(`model ${model} {`);
  if (start === -1) throw new Error(`model ${model} not found in the schema`);
  const end = text.indexOf("\n}", start);
  return text.slice(0, start) + edit(text.slice(start, end), pattern, replacement) + text.slice(end);
}

/** Replaces exactly one match of `pattern` in `text`, failing loudly when the schema moved on. */
function edit(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace("g", "")}g`)) ?? [];
  if (matches.length !== 1)
    throw new Error(`Expected exactly one match of ${pattern} in the schema, found ${matches.length}`);
  return text.replace(pattern, replacement);
}

it("maps Prisma scalar types to the PostgreSQL types Prisma expects", () => {
  const field = (type: string, nativeType: [string, string[]] | null = null, isList = false) =>
    expectedColumnType({ type, kind: "scalar", isList, nativeType });
  expect(field("String", ["Uuid", []])).toBe("uuid");
  expect(field("String", ["VarChar", ["255"]])).toBe("character varying(255)");
  expect(field("String", ["Char", ["2"]])).toBe("character(2)");
  expect(field("String")).toBe("text");
  expect(field("String", null, true)).toBe("text[]");
  expect(field("Int")).toBe("integer");
  expect(field("Boolean")).toBe("boolean");
  expect(field("DateTime", ["Timestamptz", ["3"]])).toBe("timestamp(3) with time zone");
  expect(field("DateTime", ["Date", []])).toBe("date");
  expect(field("Decimal", ["Decimal", ["10", "2"]])).toBe("numeric(10,2)");
  expect(field("Json")).toBe("jsonb");
});

it("both schemas parse and describe the expected models", () => {
  const control = loadDatamodel(CONTROL).models.map((m) => m.dbName ?? m.name);
  const tenant = loadDatamodel(TENANT).models.map((m) => m.dbName ?? m.name);
  expect(control).toEqual(expect.arrayContaining(["tenants", "subscription_plans", "users", "memberships"]));
  expect(tenant).toEqual(expect.arrayContaining(["customers", "products", "invoices", "invoice_lines", "projects"]));
});

const tenantSchema = `t_${randomUUID().replaceAll("-", "")}`;

describeEachDatabase(
  "schema drift",
  (db) => {
    it("prisma/control.prisma matches the migrated control plane", async () => {
      expect(await findDrift(CONTROL, db().sql)).toEqual([]);
    });

    it("prisma/tenant.prisma matches the shared tenant-plane tables, tenant_id leading every key", async () => {
      expect(await findDrift(TENANT, db().sql, { tenantPlane: true })).toEqual([]);
    });

    it("prisma/tenant.prisma matches a tenant schema t_<id>", async () => {
      expect(await findDrift(TENANT, db().sql, { schema: tenantSchema, tenantPlane: true })).toEqual([]);
    });

    it("reports a field that the schema has and the database does not", async () => {
      const drifted = edit(CONTROL, /model Tenant \{\n/, "model Tenant {\n  nickname String? @db.VarChar(40)\n");
      const problems = await findDrift(drifted, db().sql);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/Tenant\.nickname .*tenants\.nickname.*does not exist/);
    });

    it("reports a changed column type", async () => {
      const drifted = editModel(
        CONTROL,
        "Tenant",
        /(slug\s+String\s+@unique\s+)@db\.VarChar\(100\)/,
        "$1@db.VarChar(120)",
      );
      const problems = await findDrift(drifted, db().sql);
      expect(problems).toEqual([
        expect.stringMatching(/Tenant\.slug .*character varying\(100\).*character varying\(120\)/),
      ]);

      const asText = editModel(TENANT, "Product", /(\n\s+stock\s+)Int(\s+)@default\(0\)/, '$1String$2@default("0")');
      expect(await findDrift(asText, db().sql, { tenantPlane: true })).toEqual([
        expect.stringMatching(/Product\.stock .*integer.*expects text/),
      ]);
    });

    it("reports nullability, unique and primary key drift", async () => {
      const optionalNumber = editModel(TENANT, "Invoice", /(\n\s+number\s+)String(\s)/, "$1String?$2");
      expect(await findDrift(optionalNumber, db().sql, { tenantPlane: true })).toEqual([
        expect.stringMatching(/Invoice\.number .*NOT NULL in the database/),
      ]);

      const extraUnique = editModel(CONTROL, "Tenant", /(\n\s+legalName\s+String\?)/, "$1 @unique");
      expect(await findDrift(extraUnique, db().sql)).toEqual([
        expect.stringMatching(/Tenant .*no unique constraint or unique index on \(legal_name\)/),
      ]);

      const swappedKey = editModel(TENANT, "Customer", /@@id\(\[tenantId, id\]\)/, "@@id([id, tenantId])");
      expect(await findDrift(swappedKey, db().sql, { tenantPlane: true })).toEqual([
        expect.stringMatching(/Customer .*primary key is \(tenant_id, id\).*expects \(id, tenant_id\)/),
      ]);
    });

    it("reports a column the database has and the model does not declare", async () => {
      const withoutNotes = editModel(TENANT, "Customer", /\n\s+notes\s+String\?\n/, "\n");
      expect(await findDrift(withoutNotes, db().sql, { tenantPlane: true })).toEqual([
        expect.stringMatching(/Customer .*customers.*has column notes, which the model does not declare/),
      ]);
    });

    it("reports drift made on the database side: a lost foreign key, a lost NOT NULL, a tenant key out of order", async () => {
      const schema = `t_${randomUUID().replaceAll("-", "")}`;
      await migrate({ plane: "tenant", schema, db: db().sql });
      expect(await findDrift(TENANT, db().sql, { schema, tenantPlane: true })).toEqual([]);

      await db().sql.exec(`
        ALTER TABLE ${schema}.invoice_lines DROP CONSTRAINT invoice_lines_product_fkey;
        ALTER TABLE ${schema}.products ALTER COLUMN name DROP NOT NULL;
        ALTER TABLE ${schema}.products DROP CONSTRAINT products_tenant_sku_key;
        ALTER TABLE ${schema}.products ADD CONSTRAINT products_sku_tenant_key UNIQUE (sku, tenant_id);
      `);
      const problems = await findDrift(TENANT, db().sql, { schema, tenantPlane: true });
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /InvoiceLine\.product .*no foreign key \(tenant_id, product_id\) → products \(tenant_id, id\)/,
          ),
          expect.stringMatching(/Product\.name .*nullable in the database/),
          expect.stringMatching(
            /Product .*unique products_sku_tenant_key \(sku, tenant_id\) does not start with tenant_id/,
          ),
        ]),
      );
      expect(problems).toHaveLength(3);
    });
  },
  {
    migrated: true,
    setup: async (db) => {
      await migrate({ plane: "tenant", schema: tenantSchema, db: db.sql });
    },
  },
);
