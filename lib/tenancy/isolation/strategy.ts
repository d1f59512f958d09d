import type { MigrationResult } from "@/lib/db/migrations";
import type { TenantPlaneClient } from "../tenant-client";

/**
 * Isolation levels a tenant's business data can live at:
 * - "shared_database": the shared tenant-plane tables in "public", separated by tenant_id + RLS;
 * - "schema": the same tables in a schema of its own, t_<id>, in the main database (RLS still on);
 * - "database": the same tables in a database of its own.
 *
 * STANDALONE for now: nothing in the app resolves a tenant's level to a strategy yet.
 */
export type IsolationLevel = "shared_database" | "schema" | "database";

export interface TenantRef {
  readonly id: string;
}

/**
 * What every isolation level provides. Export/import (moving a tenant between levels) is
 * deliberately not declared yet: it will be `exportData(tenant)` / `importData(tenant, archive)`
 * once the archive format exists. Left for later.
 */
export interface IsolationStrategy {
  readonly level: IsolationLevel;
  /** Creates the tenant's resources (schema / database) and applies the tenant-plane migrations. */
  provision(tenant: TenantRef): Promise<void>;
  /** Applies pending tenant-plane migrations to the tenant's resources. Idempotent. */
  migrate(tenant: TenantRef): Promise<MigrationResult>;
  /**
   * A tenant-plane Prisma client over the tenant's tables. It is UNSCOPED in the same sense
   * as the shared one: callers still open a transaction that sets app.tenant_id and
   * role logi_app, so RLS applies inside the tenant's own schema/database too.
   */
  client(tenant: TenantRef): Promise<TenantPlaneClient>;
  /** Removes the tenant's resources and everything in them. Irreversible. */
  drop(tenant: TenantRef): Promise<void>;
  /** Disconnects the clients this strategy created (not the shared pool / PGlite instance). */
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The schema of a tenant at level "schema": `t_` + its id without dashes, lower case
 * (34 characters, under PostgreSQL's 63). Anything but a UUID is refused, so the result is
 * always a safe identifier.
 */
export function schemaNameFor(tenantId: string): string {
  if (typeof tenantId !== "string" || !UUID.test(tenantId)) {
    throw new Error(`Tenant id must be a UUID: ${JSON.stringify(tenantId)}`);
  }
  return `t_${tenantId.replaceAll("-", "").toLowerCase()}`;
}

/** Whether `name` is a tenant schema name as produced by schemaNameFor. */
export function isTenantSchemaName(name: string): boolean {
  return /^t_[0-9a-f]{32}$/.test(name);
}
