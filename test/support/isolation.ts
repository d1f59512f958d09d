import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { mainConnection } from "@/lib/db/connection";
import { resetDatabaseClients } from "@/lib/db/reset";
import { runInTenantContext, type TenantContext } from "@/lib/tenancy/context";
import { DEMO_TENANTS } from "@/lib/tenancy/demo-data";
import { prepareDatabase } from "@/lib/tenancy/startup";
import { sharedTenantPlane, type TenantPlaneClient } from "@/lib/tenancy/tenant-client";
import { createPostgresDatabase, DATABASE_KINDS, dropPostgresDatabase, type DatabaseKind } from "./databases";

/**
 * Fixtures of the cross-tenant attack suite (test/isolation/**).
 *
 * TENANT_PLANE_MODELS is THE list the suite is generated from: every model in it gets every
 * attack (each operation against another tenant's ids, nested writes through each of its
 * relations, rollback, "no context"). Adding a tenant-plane model to prisma/tenant.prisma
 * means adding it here; the RLS posture test (rls.test.ts) independently reads the tables
 * from pg_class, so a table missing here still fails there if it lacks RLS.
 */

export type ModelName = "customer" | "product" | "invoice" | "invoiceLine" | "project" | "auditEvent";

/** One row id per model of one tenant, created in list order (dependencies first). */
export type Fixture = Record<ModelName, string>;

export interface RelationSpec {
  /** Relation field on this model. */
  field: string;
  target: ModelName;
  /** "one": this model holds the foreign key `fk`; "many": the target holds `backFk`. */
  kind: "one" | "many";
  fk?: string;
  backFk?: string;
}

export interface TenantPlaneModelSpec {
  name: ModelName;
  /** Table in the database (for raw SQL attacks). */
  table: string;
  /** Scalar create data (no tenantId) of a new row of this tenant, referring to `deps`. */
  make(deps: Partial<Fixture>, n: number): Record<string, unknown>;
  /** An update that changes a visible column. */
  change: Record<string, unknown>;
  relations: RelationSpec[];
  /** The app role may not UPDATE or DELETE (append-only). */
  appendOnly?: boolean;
}

let sequence = 0;
/** A number unique in this process, for unique columns (invoice number, sku). */
export function nextSeq(): number {
  return ++sequence;
}
const run = randomUUID().slice(0, 8);
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

export const TENANT_PLANE_MODELS: readonly TenantPlaneModelSpec[] = [
  {
    name: "customer",
    table: "customers",
    make: (_deps, n) => ({ name: `Customer ${n}`, email: `c${n}@example.test` }),
    change: { notes: "changed by attacker" },
    relations: [
      { field: "invoices", target: "invoice", kind: "many", backFk: "customerId" },
      { field: "projects", target: "project", kind: "many", backFk: "customerId" },
    ],
  },
  {
    name: "product",
    table: "products",
    make: (_deps, n) => ({ sku: `SKU-${run}-${n}`, name: `Product ${n}`, priceMinor: 100 * n, stock: 5 }),
    change: { description: "changed by attacker", stock: 999 },
    relations: [{ field: "invoiceLines", target: "invoiceLine", kind: "many", backFk: "productId" }],
  },
  {
    name: "invoice",
    table: "invoices",
    make: (deps, n) => ({
      number: `ATT-${run}-${n}`,
      customerId: deps.customer,
      issueDate: day("2026-01-05"),
      dueDate: day("2026-02-04"),
      totalMinor: n,
    }),
    change: { notes: "changed by attacker", status: "void" },
    relations: [
      { field: "customer", target: "customer", kind: "one", fk: "customerId" },
      { field: "lines", target: "invoiceLine", kind: "many", backFk: "invoiceId" },
    ],
  },
  {
    name: "invoiceLine",
    table: "invoice_lines",
    make: (deps, n) => ({
      invoiceId: deps.invoice,
      productId: deps.product,
      description: `Line ${n}`,
      quantity: 2,
      unitPriceMinor: 150,
      amountMinor: 300,
    }),
    change: { description: "changed by attacker", amountMinor: 1 },
    relations: [
      { field: "invoice", target: "invoice", kind: "one", fk: "invoiceId" },
      { field: "product", target: "product", kind: "one", fk: "productId" },
    ],
  },
  {
    name: "project",
    table: "projects",
    make: (deps, n) => ({ name: `Project ${n}`, customerId: deps.customer, budgetMinor: 1000 }),
    change: { description: "changed by attacker", status: "archived" },
    relations: [{ field: "customer", target: "customer", kind: "one", fk: "customerId" }],
  },
  {
    name: "auditEvent",
    table: "audit_events",
    make: (_deps, n) => ({ actorType: "system", action: `test.${n}`, entityType: "test", entityId: String(n) }),
    change: { action: "changed.by.attacker" },
    relations: [],
    appendOnly: true,
  },
];

export function modelSpec(name: ModelName): TenantPlaneModelSpec {
  const spec = TENANT_PLANE_MODELS.find((m) => m.name === name);
  if (!spec) throw new Error(`Unknown model ${name}`);
  return spec;
}

/** The demo tenants used as attacker (A) and victim (B); C for three-tenant tests. */
export const TENANT_A = DEMO_TENANTS.find((t) => t.slug === "acme")!;
export const TENANT_B = DEMO_TENANTS.find((t) => t.slug === "globex")!;
export const TENANT_C = DEMO_TENANTS.find((t) => t.slug === "initech")!;

export function contextFor(tenantId: string, slug = `t-${tenantId.slice(-6)}`): TenantContext {
  return {
    tenant: { id: tenantId, slug, isolationLevel: "shared_database", tier: "business", features: {} },
    actor: { type: "system", reason: "isolation test" },
  };
}

/** Runs fn as tenant `tenantId` (the tenant context the scoped client reads). */
export function asTenant<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  return runInTenantContext(contextFor(tenantId), fn);
}

type AnyDelegate = Record<string, (args?: unknown) => Promise<unknown>>;

/** A model delegate of any client (plain, scoped or a transaction), untyped on purpose. */
export function delegate(client: unknown, model: ModelName): AnyDelegate {
  return (client as Record<string, AnyDelegate>)[model];
}

/** Creates one row of every model for `tenantId` through the UNSCOPED client (RLS bypassed as owner). */
export async function createFixture(plain: TenantPlaneClient, tenantId: string): Promise<Fixture> {
  const ids: Partial<Fixture> = {};
  for (const spec of TENANT_PLANE_MODELS) {
    const row = (await delegate(plain, spec.name).create({
      data: { ...spec.make(ids, nextSeq()), tenantId },
    })) as { id: string };
    ids[spec.name] = row.id;
  }
  return ids as Fixture;
}

/** Every row of `tenantId` in every tenant-plane model, read through the unscoped client. */
export async function snapshotTenant(
  plain: TenantPlaneClient,
  tenantId: string,
): Promise<Record<ModelName, unknown[]>> {
  const out = {} as Record<ModelName, unknown[]>;
  for (const spec of TENANT_PLANE_MODELS) {
    out[spec.name] = (await delegate(plain, spec.name).findMany({
      where: { tenantId },
      orderBy: { id: "asc" },
    })) as unknown[];
  }
  return out;
}

export function idsOf(snapshot: Record<ModelName, unknown[]>): Set<string> {
  const ids = new Set<string>();
  for (const rows of Object.values(snapshot)) for (const row of rows) ids.add((row as { id: string }).id);
  return ids;
}

/**
 * Whether `value` reveals anything of another tenant: an object whose tenantId is not
 * `ownTenantId`, or any of `foreignIds` anywhere in it. Returns the path of the first hit.
 */
export function foreignTrace(value: unknown, ownTenantId: string, foreignIds: Set<string>, path = "$"): string | null {
  if (typeof value === "string") return foreignIds.has(value) ? `${path} = ${value}` : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = foreignTrace(value[i], ownTenantId, foreignIds, `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    if ("tenantId" in record && record.tenantId !== ownTenantId) return `${path}.tenantId = ${String(record.tenantId)}`;
    for (const [key, inner] of Object.entries(record)) {
      const hit = foreignTrace(inner, ownTenantId, foreignIds, `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return null;
}

/** A stable string of rows for before/after comparison (Decimal, Date, BigInt included). */
export function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

// ----------------------------------------------------------------------------- databases

export interface IsolationDatabase {
  kind: DatabaseKind;
  /** The unscoped tenant-plane client over the process-wide connection (sees every tenant). */
  plain(): Promise<TenantPlaneClient>;
}

/**
 * Declares `fn` once per database kind, with the PROCESS-WIDE connection (the one the
 * scoped client uses) pointed at a fresh database: PGlite in a temporary DATA_DIR, or a
 * new PostgreSQL database created through TEST_DATABASE_URL. The database is migrated
 * and seeded with the demo tenants by the app's own prepareDatabase().
 *
 * As in describeEachDatabase, a variant whose database cannot be prepared fails every
 * one of its tests with the reason (a failing beforeAll would only skip them).
 */
export function describeIsolation(
  name: string,
  fn: (db: IsolationDatabase) => void,
  options: { setup?: (db: IsolationDatabase) => Promise<void> } = {},
): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let openError: unknown;
      let cleanup: (() => Promise<void>) | undefined;
      const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
      const db: IsolationDatabase = { kind, plain: () => sharedTenantPlane() };

      beforeAll(async () => {
        try {
          // The environment first, then the reset: anything that reopens the connection after
          // the reset (a background timer, say) must open THIS database, never the last one.
          if (kind === "pglite") {
            const dir = mkdtempSync(join(tmpdir(), "logi-isolation-"));
            delete process.env.DATABASE_URL;
            process.env.DATA_DIR = join(dir, "data");
            cleanup = async () => rmSync(dir, { recursive: true, force: true });
          } else {
            const created = await createPostgresDatabase();
            process.env.DATABASE_URL = created.url;
            cleanup = () => dropPostgresDatabase(created.name);
          }
          await resetDatabaseClients();
          const log = console.log;
          console.log = () => undefined; // prepareDatabase prints the demo access banner
          try {
            await prepareDatabase({ ...process.env, MIGRATE_ON_START: "1", SEED_DEMO: "1" });
          } finally {
            console.log = log;
          }
          // A variant must never silently run on the other kind of database.
          const opened = await mainConnection();
          if ((opened.mode === "server") !== (kind === "postgres")) {
            throw new Error(`The ${kind} variant opened a ${opened.mode} connection`);
          }
          await options.setup?.(db);
        } catch (error) {
          openError = error;
        }
      });

      beforeEach(() => {
        if (openError !== undefined) throw openError;
      });

      afterAll(async () => {
        await resetDatabaseClients();
        await cleanup?.();
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      });

      fn(db);
    });
  }
}
