import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, beforeEach, describe } from "vitest";
import { migrate, type MigrationResult } from "@/lib/db/migrations";
import { pgExecutor, pgliteExecutor, type SqlExecutor } from "@/lib/db/sql";
import { PrismaClient as ControlPrismaClient } from "@/lib/generated/control/client";
import { PrismaClient as TenantPrismaClient } from "@/lib/generated/tenant/client";

/**
 * Fresh databases for tests, of both kinds the product runs on:
 * - "pglite": embedded PGlite in memory (PostgreSQL 18 in WebAssembly, one connection);
 * - "postgres": a new database `test_<random>` on a real server, created through
 *   TEST_DATABASE_URL (an admin URL; `npm test` starts a local PostgreSQL and sets it)
 *   and dropped again when the suite ends.
 *
 * `describeEachDatabase(name, fn)` declares the same suite once per kind. The postgres
 * variant never skips: without TEST_DATABASE_URL every one of its tests fails and says why.
 */

export type DatabaseKind = "pglite" | "postgres";
export const DATABASE_KINDS: readonly DatabaseKind[] = ["pglite", "postgres"];

export interface ExtraConnection {
  sql: SqlExecutor;
  close(): Promise<void>;
}

export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** SQL over the database's main connection (a pool for postgres, the instance for PGlite). */
  readonly sql: SqlExecutor;
  /** Connection string of the test database (postgres only). */
  readonly url: string | null;
  /** Control-plane Prisma client over schema "public"; created on first use, closed with the database. */
  control(): ControlPrismaClient;
  /**
   * Tenant-plane Prisma client over `schema` (default "public", the shared tables).
   * PGlite's adapter has no schema option, so there only "public" is available.
   */
  tenantPlane(schema?: string): TenantPrismaClient;
  /**
   * An independent connection to the same database: a new pg Pool on postgres, a shared
   * handle on PGlite (which has exactly one connection). Closed by the caller.
   */
  connect(options?: { max?: number }): ExtraConnection;
  close(): Promise<void>;
}

const MISSING_URL_MESSAGE =
  "TEST_DATABASE_URL is not set, so the PostgreSQL variant of this suite cannot run. " +
  "Run `npm test` (scripts/test.sh starts a local PostgreSQL and sets it), or export " +
  "TEST_DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/DB pointing at a throwaway database " +
  "whose role may CREATE DATABASE.";

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL?.trim();
  if (!url) throw new Error(MISSING_URL_MESSAGE);
  return url;
}

/** A random lower-case identifier suffix, safe for database and schema names. */
export function randomSuffix(bytes = 6): string {
  return randomBytes(bytes).toString("hex");
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/** Creates `test_<random>` on the server of TEST_DATABASE_URL; returns its name and URL. */
export async function createPostgresDatabase(): Promise<{ name: string; url: string }> {
  const admin = testDatabaseUrl();
  const name = `test_${randomSuffix()}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  // scripts/test.sh drops every database marked with its run id, even after a crash.
  const run = process.env.LOGI_TEST_RUN;
  if (run && /^[A-Za-z0-9_]+$/.test(run)) await adminQuery(`COMMENT ON DATABASE "${name}" IS '${run}'`);
  return { name, url: withDatabase(admin, name) };
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  if (!/^test_[a-z0-9]+$/.test(name)) throw new Error(`Refusing to drop ${name}`);
  // Tenant databases the app created for it (lib/tenancy/isolation/planes.ts marks them).
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const owned = await client.query<{ datname: string }>(
      `SELECT d.datname FROM pg_database d
         JOIN pg_shdescription s ON s.objoid = d.oid AND s.classoid = 'pg_database'::regclass
        WHERE s.description = $1`,
      [`logiaccounting tenant of ${name}`],
    );
    // In parallel: each DROP DATABASE waits for a checkpoint, and concurrent drops share them.
    await Promise.all(owned.rows.map(({ datname }) => adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)));
  } finally {
    await client.end();
  }
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

abstract class BaseTestDatabase implements TestDatabase {
  abstract readonly kind: DatabaseKind;
  abstract readonly sql: SqlExecutor;
  abstract readonly url: string | null;
  private controlClient?: ControlPrismaClient;
  private readonly tenantClients = new Map<string, TenantPrismaClient>();

  protected abstract controlAdapter(): SqlDriverAdapterFactory;
  protected abstract tenantAdapter(schema: string): SqlDriverAdapterFactory;
  abstract connect(options?: { max?: number }): ExtraConnection;
  protected abstract closeConnection(): Promise<void>;

  control(): ControlPrismaClient {
    this.controlClient ??= new ControlPrismaClient({ adapter: this.controlAdapter() });
    return this.controlClient;
  }

  tenantPlane(schema = "public"): TenantPrismaClient {
    let client = this.tenantClients.get(schema);
    if (!client) {
      client = new TenantPrismaClient({ adapter: this.tenantAdapter(schema) });
      this.tenantClients.set(schema, client);
    }
    return client;
  }

  async close(): Promise<void> {
    const clients = [this.controlClient, ...this.tenantClients.values()].filter((c) => c !== undefined);
    await Promise.allSettled(clients.map((client) => client.$disconnect()));
    this.controlClient = undefined;
    this.tenantClients.clear();
    await this.closeConnection();
  }
}

class PGliteTestDatabase extends BaseTestDatabase {
  readonly kind = "pglite" as const;
  readonly url = null;
  readonly sql: SqlExecutor;
  private constructor(private readonly pglite: PGlite) {
    super();
    this.sql = pgliteExecutor(pglite);
  }

  static async open(): Promise<PGliteTestDatabase> {
    return new PGliteTestDatabase(await PGlite.create());
  }

  protected controlAdapter(): SqlDriverAdapterFactory {
    return new PrismaPGlite(this.pglite);
  }

  protected tenantAdapter(schema: string): SqlDriverAdapterFactory {
    if (schema !== "public") {
      throw new Error(`pglite-prisma-adapter cannot target schema ${schema}: only "public" is available on PGlite`);
    }
    return new PrismaPGlite(this.pglite);
  }

  connect(): ExtraConnection {
    return { sql: this.sql, close: async () => undefined };
  }

  protected async closeConnection(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

class PostgresTestDatabase extends BaseTestDatabase {
  readonly kind = "postgres" as const;
  readonly sql: SqlExecutor;
  private readonly pools: pg.Pool[] = [];
  private readonly pool: pg.Pool;
  private constructor(
    private readonly name: string,
    readonly url: string,
  ) {
    super();
    this.pool = this.newPool(4);
    this.sql = pgExecutor(this.pool);
  }

  static async open(): Promise<PostgresTestDatabase> {
    const { name, url } = await createPostgresDatabase();
    return new PostgresTestDatabase(name, url);
  }

  private newPool(max: number): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.url, max });
    // A connection killed by DROP DATABASE … WITH (FORCE) must not crash the test process.
    pool.on("error", () => undefined);
    this.pools.push(pool);
    return pool;
  }

  protected controlAdapter(): SqlDriverAdapterFactory {
    return new PrismaPg(this.pool);
  }

  protected tenantAdapter(schema: string): SqlDriverAdapterFactory {
    return new PrismaPg(this.pool, schema === "public" ? undefined : { schema });
  }

  connect(options: { max?: number } = {}): ExtraConnection {
    const pool = this.newPool(options.max ?? 2);
    return {
      sql: pgExecutor(pool),
      close: async () => {
        const index = this.pools.indexOf(pool);
        if (index !== -1) this.pools.splice(index, 1);
        await pool.end();
      },
    };
  }

  protected async closeConnection(): Promise<void> {
    const pools = this.pools.splice(0);
    await Promise.allSettled(pools.map((pool) => pool.end()));
    await dropPostgresDatabase(this.name);
  }
}

/** Opens a fresh, empty database of the given kind. Close it when done. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "pglite" ? PGliteTestDatabase.open() : PostgresTestDatabase.open();
}

/** Applies every migration of both planes to `schema` (default "public", as the app's main database). */
export async function migrateAll(
  sql: SqlExecutor,
  schema = "public",
): Promise<{ control: MigrationResult; tenant: MigrationResult }> {
  const control = await migrate({ plane: "control", schema, db: sql });
  const tenant = await migrate({ plane: "tenant", schema, db: sql });
  return { control, tenant };
}

export interface DatabaseSuiteOptions {
  /** Runs every migration of both planes into "public" before the suite's tests. */
  migrated?: boolean;
  /** More preparation before the suite's tests (after `migrated`). */
  setup?: (db: TestDatabase) => Promise<void>;
}

/**
 * Declares `fn`'s tests once per database kind, as `<name> [pglite]` and `<name> [postgres]`.
 * `db()` returns the suite's database (fresh for this suite, closed and dropped after it).
 *
 * When the database cannot be opened or prepared (for example TEST_DATABASE_URL is
 * missing), every test of that variant fails with the reason: a failing beforeAll would
 * only mark them skipped. So `fn` should prepare data through `options.setup`, not a
 * beforeAll of its own.
 */
export function describeEachDatabase(
  name: string,
  fn: (db: () => TestDatabase, kind: DatabaseKind) => void,
  options: DatabaseSuiteOptions = {},
): void {
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      let openError: unknown;

      beforeAll(async () => {
        try {
          database = await openTestDatabase(kind);
          if (options.migrated) await migrateAll(database.sql);
          await options.setup?.(database);
        } catch (error) {
          openError = error;
        }
      });

      beforeEach(() => {
        if (openError !== undefined) throw openError;
      });

      afterAll(async () => {
        await database?.close();
        database = undefined;
      });

      const get = (): TestDatabase => {
        if (openError !== undefined) throw openError;
        if (database) return database;
        throw new Error(`The ${kind} test database is not open yet: use it inside tests or options.setup`);
      };
      fn(get, kind);
    });
  }
}
