import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { Pool } from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { isTenantSchemaName } from "./strategy";

/**
 * Driver adapters whose Prisma queries target one tenant schema instead of "public".
 *
 * How Prisma 7 picks the schema: the query compiler qualifies every table with the schema
 * the adapter reports in `getConnectionInfo().schemaName` (default "public"), e.g.
 *   SELECT … FROM "t_0a1b…"."customers" AS "t0" …
 * `SET search_path` therefore changes nothing. `PrismaPg`'s `{ schema }` option is nothing
 * more than that field. `pglite-prisma-adapter` 0.7 has the field too but no way to set it
 * (its factory passes no options), so for PGlite we wrap the factory and report the schema
 * from the adapter it creates.
 *
 * Why not rewrite `"public".` to `"t_x".` in the SQL text (wrapping PGlite's query/exec/
 * transaction)? It works for the queries Prisma generates, but a text rewrite cannot tell a
 * qualifier from the same characters inside a string literal or a quoted identifier, and
 * $queryRaw / $executeRaw text would be rewritten as well — a raw query naming
 * "public".customers on purpose would silently read the tenant schema, and one naming
 * another schema (or unqualified tables, resolved through search_path) would not be
 * rewritten at all. Reporting the schema to the compiler has none of those risks: raw SQL
 * is passed through untouched, exactly as with PrismaPg on a server.
 */

function assertTenantSchema(schema: string): void {
  if (!isTenantSchemaName(schema)) throw new Error(`Not a tenant schema name: ${JSON.stringify(schema)}`);
}

class SchemaPGliteAdapterFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  private readonly inner: PrismaPGlite;

  constructor(
    pglite: PGlite,
    readonly schema: string,
  ) {
    this.inner = new PrismaPGlite(pglite);
    this.adapterName = this.inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const base = adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true };
    const info = { ...base, schemaName: this.schema };
    // An own property on this adapter instance only; PrismaPGlite's prototype is untouched.
    adapter.getConnectionInfo = () => info;
    return adapter;
  }
}

/** Adapter over the shared PGlite instance whose Prisma queries read and write `schema`. */
export function pgliteSchemaAdapter(pglite: PGlite, schema: string): SqlDriverAdapterFactory {
  assertTenantSchema(schema);
  return new SchemaPGliteAdapterFactory(pglite, schema);
}

/**
 * Adapter over the shared pg Pool whose Prisma queries read and write `schema`. Many of
 * these share the one pool; disconnecting the client does not end the pool.
 */
export function pgSchemaAdapter(pool: Pool, schema: string): SqlDriverAdapterFactory {
  assertTenantSchema(schema);
  return new PrismaPg(pool, { schema });
}

export type SchemaConnection = { mode: "server"; pool: Pool } | { mode: "embedded"; pglite: PGlite };

/** The schema adapter for either kind of main connection (lib/db/connection's MainConnection fits). */
export function schemaAdapterFor(connection: SchemaConnection, schema: string): SqlDriverAdapterFactory {
  return connection.mode === "server"
    ? pgSchemaAdapter(connection.pool, schema)
    : pgliteSchemaAdapter(connection.pglite, schema);
}
