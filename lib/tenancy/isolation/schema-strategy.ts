import { migrate, type Migration, type MigrationResult } from "@/lib/db/migrations";
import { pgExecutor, pgliteExecutor, quoteIdent, type SqlExecutor } from "@/lib/db/sql";
import { PrismaClient } from "@/lib/generated/tenant/client";
import type { TenantPlaneClient } from "../tenant-client";
import { schemaAdapterFor, type SchemaConnection } from "./schema-adapter";
import { schemaNameFor, type IsolationStrategy, type TenantRef } from "./strategy";

/**
 * Isolation level "schema": each tenant's tenant-plane tables live in schema t_<id> of the
 * main database, created and migrated by the ordinary migration runner (which also applies
 * 0002's row level security there, so RLS keeps guarding inside the schema).
 *
 * Clients: one PrismaClient per tenant schema (~1.5 MB each), all over the ONE shared pool /
 * PGlite instance. They are cached in a plain Map for now — unbounded; a connection manager
 * with a bounded LRU replaces it later.
 */
export interface SchemaStrategy extends IsolationStrategy {
  readonly level: "schema";
  schemaFor(tenant: TenantRef): string;
}

export interface SchemaStrategyOptions {
  /** Tenant-plane migrations to apply (default: the files in prisma/migrations/tenant). */
  migrations?: Migration[];
}

export function createSchemaStrategy(
  connection: SchemaConnection,
  options: SchemaStrategyOptions = {},
): SchemaStrategy {
  const sql: SqlExecutor =
    connection.mode === "server" ? pgExecutor(connection.pool) : pgliteExecutor(connection.pglite);
  const clients = new Map<string, TenantPlaneClient>();

  const runMigrations = (schema: string): Promise<MigrationResult> =>
    options.migrations
      ? migrate({ plane: "tenant", schema, db: sql }, options.migrations)
      : migrate({ plane: "tenant", schema, db: sql });

  return {
    level: "schema",

    schemaFor: (tenant) => schemaNameFor(tenant.id),

    async provision(tenant) {
      // The runner creates the schema (under its advisory lock) before the first migration.
      await runMigrations(schemaNameFor(tenant.id));
    },

    migrate: (tenant) => runMigrations(schemaNameFor(tenant.id)),

    async client(tenant) {
      const schema = schemaNameFor(tenant.id);
      let client = clients.get(schema);
      if (!client) {
        client = new PrismaClient({ adapter: schemaAdapterFor(connection, schema) });
        clients.set(schema, client);
      }
      return client;
    },

    async drop(tenant) {
      const schema = schemaNameFor(tenant.id);
      const client = clients.get(schema);
      clients.delete(schema);
      await client?.$disconnect();
      await sql.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    },

    async close() {
      const all = [...clients.values()];
      clients.clear();
      await Promise.allSettled(all.map((client) => client.$disconnect()));
    },
  };
}
