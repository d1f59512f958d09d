import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { LRUCache } from "lru-cache";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { mainConnection, type MainConnection } from "@/lib/db/connection";
import { endPool } from "@/lib/db/end-pool";
import { migrate, type MigrationResult } from "@/lib/db/migrations";
import { pgExecutor, pgliteExecutor, quoteIdent, type SqlExecutor } from "@/lib/db/sql";
import { installStatementScope } from "@/lib/db/statement-scope";
import { installTenantBeginHook } from "@/lib/db/tenant-begin";
import { controlDb } from "@/lib/db/control";
import { PrismaClient } from "@/lib/generated/tenant/client";
import { sharedTenantPlane, type TenantPlaneClient } from "../tenant-client";
import { ConnectionManager, type ConnectionGauges } from "./connection-manager";
import { decryptDatabaseUrl, describeDatabaseUrl } from "./database-url";
import { schemaAdapterFor } from "./schema-adapter";
import { schemaNameFor, type IsolationLevel } from "./strategy";
import {
  migrateTenants,
  type MigrateTenantsOptions,
  type MigrateTenantsReport,
  type TenantMigrationTarget,
} from "./tenant-migrations";

/** Fleet options: the runner's, with a default bound (8) and canary (the first target). */
export type MigrateTenantPlanesOptions = Partial<MigrateTenantsOptions>;

/**
 * Where a tenant's business data lives, per isolation level, and the clients that reach it:
 *
 * - shared_database: the shared tables in "public" of the main database (one client);
 * - schema: the same tables in schema t_<id> of the main database. One PrismaClient per
 *   schema (Prisma qualifies every table with the adapter's schema), all over the ONE main
 *   pool / PGlite instance, kept in a bounded LRU (TENANT_SCHEMA_CLIENTS, default 64: a
 *   client costs ~1.5 MB, so 1,000 schema tenants never mean 1,000 clients);
 * - database: the same tables in database t_<id> — on the main server (its own pg pool of
 *   TENANT_DB_POOL_MAX connections), or in embedded mode a PGlite data directory of its own
 *   under DATA_DIR/tenants/. Handles live in the ConnectionManager under ONE connection
 *   budget (TENANT_DB_CONNECTION_BUDGET, default 40; embedded: TENANT_PGLITE_OPEN, default 4
 *   instances), idle ones are closed, a deleted or moved tenant is evicted at once.
 *
 * Every client here is UNSCOPED: the scoped client (scoped-client.ts) reaches them through
 * `acquireTenantPlane` and still sets the tenant and role per transaction / statement, so RLS
 * guards inside a tenant's own schema and database too.
 */

export interface PlaneTenant {
  readonly id: string;
  readonly isolationLevel: IsolationLevel;
}

export interface TenantPlaneLease {
  client: TenantPlaneClient;
  /** Whether reads may go out as one pipelined statement (a pg pool with the hook). */
  statementScope: boolean;
  /** Ends this use (a database-level handle may then be closed when idle). Idempotent. */
  release(): void;
}

export interface PlaneGauges {
  schemaClients: { open: number; max: number; evictions: number };
  databases: ConnectionGauges;
}

interface DatabaseHandle {
  client: TenantPlaneClient;
  sql: SqlExecutor;
  statementScope: boolean;
  close(): Promise<void>;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Database of a database-level tenant: `t_<hex id>`, the same safe identifier as its schema. */
export function databaseNameFor(tenantId: string): string {
  return schemaNameFor(tenantId);
}

function tenantDatabaseUrl(mainUrl: string, database: string): string {
  const url = new URL(mainUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function templateDatabaseName(mainUrl: string): string {
  const main = decodeURIComponent(new URL(mainUrl).pathname.slice(1)) || "postgres";
  // Bounded and predictable: the main database's name, cut, plus a suffix.
  return `${main.slice(0, 40)}_tenant_template`;
}

async function adminQuery(connection: MainConnection & { mode: "server" }, text: string): Promise<void> {
  await connection.pool.query(text);
}

/**
 * Marks a database this module created with the main database it belongs to, so operators
 * (and the test harness's cleanup) can find every tenant database of a deployment.
 */
async function markOwned(connection: MainConnection & { mode: "server" }, database: string): Promise<void> {
  const main = decodeURIComponent(new URL(connection.config.databaseUrl!).pathname.slice(1)) || "postgres";
  const comment = `logiaccounting tenant of ${main}`.replaceAll("'", "''");
  await adminQuery(connection, `COMMENT ON DATABASE ${quoteIdent(database)} IS '${comment}'`);
}

class TenantPlanes {
  private readonly schemaEvictions = { count: 0 };
  private readonly schemaClients: LRUCache<string, TenantPlaneClient>;
  private readonly databases: ConnectionManager<DatabaseHandle>;
  private templateReady: Promise<string | null> | null = null;

  constructor(
    private readonly connection: MainConnection,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const schemaMax = positiveInt(env.TENANT_SCHEMA_CLIENTS, 64);
    // Every schema client's adapter listens for the shared pool's errors: allow that many.
    if (connection.mode === "server") {
      connection.pool.setMaxListeners(Math.max(connection.pool.getMaxListeners(), schemaMax + 16));
    }
    this.schemaClients = new LRUCache<string, TenantPlaneClient>({
      max: schemaMax,
      // The pool is shared: disconnecting a schema client never closes connections others use.
      dispose: (client) => {
        this.schemaEvictions.count++;
        void client.$disconnect().catch(() => undefined);
      },
    });
    const embedded = connection.mode === "embedded";
    const poolMax = positiveInt(env.TENANT_DB_POOL_MAX, 2);
    this.databases = new ConnectionManager<DatabaseHandle>({
      budget: embedded ? positiveInt(env.TENANT_PGLITE_OPEN, 4) : positiveInt(env.TENANT_DB_CONNECTION_BUDGET, 40),
      idleMs: positiveInt(env.TENANT_DB_IDLE_MS, 60_000),
      reserve: () => (embedded ? 1 : poolMax),
      open: async (tenantId) => {
        const handle = await this.openDatabase(tenantId, poolMax);
        return { handle, connections: embedded ? 1 : poolMax };
      },
      close: (handle) => handle.close(),
    });
  }

  // ── clients ─────────────────────────────────────────────────────────────────────────

  async acquire(tenant: PlaneTenant): Promise<TenantPlaneLease> {
    const serverScope = this.connection.mode === "server";
    switch (tenant.isolationLevel) {
      case "shared_database":
        return { client: await sharedTenantPlane(), statementScope: serverScope, release: () => undefined };
      case "schema":
        return { client: this.schemaClient(tenant.id), statementScope: serverScope, release: () => undefined };
      case "database": {
        const handle = await this.databases.acquire(tenant.id);
        let released = false;
        return {
          client: handle.client,
          statementScope: handle.statementScope,
          release: () => {
            if (released) return;
            released = true;
            this.databases.release(tenant.id);
          },
        };
      }
      default:
        throw new Error(`Unknown isolation level ${JSON.stringify(tenant.isolationLevel)}`);
    }
  }

  private schemaClient(tenantId: string): TenantPlaneClient {
    const schema = schemaNameFor(tenantId);
    let client = this.schemaClients.get(schema);
    if (!client) {
      client = new PrismaClient({ adapter: schemaAdapterFor(this.connection, schema) });
      this.schemaClients.set(schema, client);
    }
    return client;
  }

  private embeddedDirectory(tenantId: string): string {
    return join(this.connection.config.dataDir, "tenants", databaseNameFor(tenantId));
  }

  /** The tenant's own server, if a platform admin gave one (decrypted only here, never logged). */
  private async ownDatabaseUrl(tenantId: string): Promise<string | null> {
    const db = await controlDb();
    const row = await db.tenant.findUnique({ where: { id: tenantId }, select: { databaseUrlEncrypted: true } });
    return row?.databaseUrlEncrypted ? decryptDatabaseUrl(row.databaseUrlEncrypted, tenantId) : null;
  }

  private async openDatabase(tenantId: string, poolMax: number): Promise<DatabaseHandle> {
    const own = await this.ownDatabaseUrl(tenantId);
    if (own || this.connection.mode === "server") {
      const url = own ?? tenantDatabaseUrl(this.connection.config.databaseUrl!, databaseNameFor(tenantId));
      const pool = new pg.Pool({ connectionString: url, max: poolMax, idleTimeoutMillis: 30_000 });
      installTenantBeginHook(pool);
      installStatementScope(pool);
      const client = new PrismaClient({ adapter: new PrismaPg(pool) });
      return {
        client,
        sql: pgExecutor(pool),
        statementScope: true,
        close: async () => {
          await client.$disconnect().catch(() => undefined);
          await endPool(pool);
        },
      };
    }
    const dir = this.embeddedDirectory(tenantId);
    mkdirSync(dirname(dir), { recursive: true });
    const pglite = await PGlite.create(dir);
    const client = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      client,
      sql: pgliteExecutor(pglite),
      statementScope: false,
      close: async () => {
        await client.$disconnect().catch(() => undefined);
        await pglite.close();
      },
    };
  }

  // ── resources ───────────────────────────────────────────────────────────────────────

  /**
   * Creates the tenant's schema or database and brings it to the current tenant-plane
   * version. Idempotent: an existing schema/database is migrated, not recreated.
   */
  async provision(tenant: PlaneTenant): Promise<{ created: string[]; method: string; migrations: MigrationResult }> {
    switch (tenant.isolationLevel) {
      case "shared_database": {
        const migrations = await migrate({ plane: "tenant", schema: "public", db: this.connection.sql });
        return { created: [], method: "shared tables", migrations };
      }
      case "schema": {
        const schema = schemaNameFor(tenant.id);
        // The runner creates the schema (under its advisory lock) before the first migration.
        const migrations = await migrate({ plane: "tenant", schema, db: this.connection.sql });
        return { created: [`schema ${schema}`], method: "migrations", migrations };
      }
      case "database":
        return this.provisionDatabase(tenant.id);
      default:
        throw new Error(`Unknown isolation level ${JSON.stringify(tenant.isolationLevel)}`);
    }
  }

  private async provisionDatabase(
    tenantId: string,
  ): Promise<{ created: string[]; method: string; migrations: MigrationResult }> {
    const name = databaseNameFor(tenantId);
    let method = "migrations";
    const own = await this.ownDatabaseUrl(tenantId);
    if (own) {
      // The tenant's own server: its database exists already; only the tables are ours to create.
      const migrations = await this.migrateDatabase(tenantId);
      return { created: [`tables on ${describeDatabaseUrl(own)}`], method: "migrations (own server)", migrations };
    }
    if (this.connection.mode === "server") {
      const connection = this.connection;
      const exists = await connection.pool.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount === 0) {
        const template = await this.tenantTemplate().catch(() => null);
        try {
          if (template) {
            await adminQuery(connection, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
            method = "template";
          } else {
            await adminQuery(connection, `CREATE DATABASE ${quoteIdent(name)}`);
          }
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code === "42P04") {
            // Created by a concurrent run: fine, migrate it below.
          } else if (template && code === "55006") {
            // The template is in use right now: fall back to a plain database + migrations.
            await adminQuery(connection, `CREATE DATABASE ${quoteIdent(name)}`);
            method = "migrations (template busy)";
          } else {
            throw error;
          }
        }
        await markOwned(connection, name);
      }
    }
    return { created: [`database ${name}`], method, migrations: await this.migrateDatabase(tenantId) };
  }

  /** The tenant-plane migrations on a database-level tenant's own database (through the budget). */
  private migrateDatabase(tenantId: string): Promise<MigrationResult> {
    return this.databases.use(tenantId, (handle) => migrate({ plane: "tenant", schema: "public", db: handle.sql }));
  }

  /**
   * A database kept at the current tenant-plane version, cloned by `CREATE DATABASE …
   * TEMPLATE` (much faster than running the migrations). Null when the server does not allow
   * it (no CREATEDB, …): provisioning then falls back to migrations.
   */
  private tenantTemplate(): Promise<string | null> {
    if (this.connection.mode !== "server") return Promise.resolve(null);
    const connection = this.connection;
    this.templateReady ??= (async () => {
      const name = templateDatabaseName(connection.config.databaseUrl!);
      const exists = await connection.pool.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
      if (exists.rowCount === 0) {
        try {
          await adminQuery(connection, `CREATE DATABASE ${quoteIdent(name)}`);
          await markOwned(connection, name);
        } catch (error) {
          if ((error as { code?: string }).code !== "42P04") throw error;
        }
      }
      // Migrated through a short-lived single connection, closed again: a template must
      // have no sessions while it is copied.
      const pool = new pg.Pool({ connectionString: tenantDatabaseUrl(connection.config.databaseUrl!, name), max: 1 });
      try {
        await migrate({ plane: "tenant", schema: "public", db: pgExecutor(pool) });
      } finally {
        await endPool(pool);
      }
      return name;
    })().catch((error: unknown) => {
      this.templateReady = null;
      throw error;
    });
    return this.templateReady;
  }

  /** Removes the tenant's schema or database and everything in it. Irreversible. */
  async drop(tenant: PlaneTenant): Promise<void> {
    switch (tenant.isolationLevel) {
      case "shared_database":
        return; // Its rows are deleted through the scoped client by the caller.
      case "schema": {
        const schema = schemaNameFor(tenant.id);
        this.schemaClients.delete(schema);
        await this.connection.sql.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        return;
      }
      case "database": {
        const own = await this.ownDatabaseUrl(tenant.id);
        await this.databases.evict(tenant.id);
        if (own) {
          // The tenant's own server is not ours to drop: remove our tables from it.
          const pool = new pg.Pool({ connectionString: own, max: 1 });
          try {
            await pool.query(
              "DROP TABLE IF EXISTS audit_events, invoice_lines, invoices, projects, products, customers, schema_migrations CASCADE",
            );
          } finally {
            await endPool(pool);
          }
        } else if (this.connection.mode === "server") {
          await adminQuery(
            this.connection,
            `DROP DATABASE IF EXISTS ${quoteIdent(databaseNameFor(tenant.id))} WITH (FORCE)`,
          );
        } else {
          rmSync(this.embeddedDirectory(tenant.id), { recursive: true, force: true });
        }
        return;
      }
    }
  }

  /** Forgets a tenant's clients at once (deleted, suspended for good, moved to another level). */
  async evict(tenantId: string): Promise<void> {
    this.schemaClients.delete(schemaNameFor(tenantId));
    await this.databases.evict(tenantId);
  }

  // ── migrations of every tenant schema and database ─────────────────────────────────

  /**
   * The migration targets of these tenants: their schema in the main database, or their own
   * database (opened through the connection manager, so the budget holds while migrating).
   */
  async migrateTenants(
    tenants: PlaneTenant[],
    options: MigrateTenantPlanesOptions = {},
  ): Promise<MigrateTenantsReport> {
    const schemaTargets: TenantMigrationTarget[] = tenants
      .filter((t) => t.isolationLevel === "schema")
      .map((t) => ({ tenantId: t.id, schema: schemaNameFor(t.id), db: this.connection.sql }));
    const databaseTenants = tenants.filter((t) => t.isolationLevel === "database");
    // A database target's executor acquires the tenant's handle per statement batch: the
    // runner only needs `query`/`exec`/`transaction`, so a lazily acquiring executor keeps
    // at most `concurrency` databases open.
    const databaseTargets: TenantMigrationTarget[] = databaseTenants.map((t) => ({
      tenantId: t.id,
      schema: "public",
      db: this.lazyDatabaseExecutor(t.id),
    }));
    const targets = [...schemaTargets, ...databaseTargets];
    return migrateTenants(targets, {
      ...options,
      concurrency: options.concurrency ?? 8,
      canary: options.canary ?? targets[0]?.tenantId,
    });
  }

  private lazyDatabaseExecutor(tenantId: string): SqlExecutor {
    const withHandle = <T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T> =>
      this.databases.use(tenantId, (handle) => fn(handle.sql));
    return {
      query: <Row>(text: string, params?: unknown[]) => withHandle((sql) => sql.query<Row>(text, params)),
      exec: (text: string) => withHandle((sql) => sql.exec(text)),
      transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>) => withHandle((sql) => sql.transaction(fn)),
    };
  }

  gauges(): PlaneGauges {
    return {
      schemaClients: {
        open: this.schemaClients.size,
        max: this.schemaClients.max,
        evictions: this.schemaEvictions.count,
      },
      databases: this.databases.gauges(),
    };
  }

  async close(): Promise<void> {
    const clients = [...this.schemaClients.values()];
    this.schemaClients.clear();
    await Promise.allSettled(clients.map((c) => c.$disconnect()));
    await this.databases.shutdown();
  }
}

const KEY = Symbol.for("logiaccounting.tenant-planes");
type Holder = { [KEY]?: Promise<TenantPlanes> };

function planes(): Promise<TenantPlanes> {
  const holder = globalThis as Holder;
  holder[KEY] ??= mainConnection().then((connection) => new TenantPlanes(connection));
  return holder[KEY];
}

export async function acquireTenantPlane(tenant: PlaneTenant): Promise<TenantPlaneLease> {
  return (await planes()).acquire(tenant);
}

export async function provisionTenantPlane(tenant: PlaneTenant) {
  return (await planes()).provision(tenant);
}

export async function dropTenantPlane(tenant: PlaneTenant): Promise<void> {
  return (await planes()).drop(tenant);
}

export async function evictTenantPlane(tenantId: string): Promise<void> {
  return (await planes()).evict(tenantId);
}

export async function migrateTenantPlanes(
  tenants: PlaneTenant[],
  options: MigrateTenantPlanesOptions = {},
): Promise<MigrateTenantsReport> {
  return (await planes()).migrateTenants(tenants, options);
}

export async function tenantPlaneGauges(): Promise<PlaneGauges> {
  return (await planes()).gauges();
}

/** Closes every per-tenant client and pool (tests, scripts, shutdown). */
export async function closeTenantPlanes(): Promise<void> {
  const holder = globalThis as Holder;
  const pending = holder[KEY];
  delete holder[KEY];
  if (pending) await (await pending).close();
}
