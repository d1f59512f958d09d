import { controlDb } from "@/lib/db/control";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/http/errors";
import type { IsolationLevel } from "../context";
import { tenantDirectory } from "../directory-instance";
import type { TenantPlaneClient } from "../tenant-client";
import {
  acquireTenantPlane,
  databaseNameFor,
  dropTenantPlane,
  evictTenantPlane,
  provisionTenantPlane,
  type PlaneTenant,
} from "./planes";
import { encryptDatabaseUrl, parseDatabaseUrl } from "./database-url";
import { schemaNameFor } from "./strategy";

/**
 * Moves a tenant's business data from one isolation level to another (a platform admin's
 * override of what its tier picked): create the target's resources, copy every tenant-plane
 * table in foreign-key order in ONE target transaction, check the row counts, switch the
 * tenant's level, evict its clients, then remove the source.
 *
 * The tenant must be suspended while it moves: a suspended workspace answers every request
 * with 403, so no write can land in the source after its rows were read and be lost. The
 * copy runs as the owner with the tenant set in each transaction, so RLS (FORCE) admits
 * exactly that tenant's rows on both sides.
 *
 * A failure before the switch leaves the source untouched and the partial target is
 * removed; the move can simply be retried.
 */

/** Tenant-plane tables in an order where every row's references are already copied. */
const MODELS = ["customer", "product", "project", "invoice", "invoiceLine", "auditEvent"] as const;
type Model = (typeof MODELS)[number];
type Rows = Record<string, unknown>[];
type AnyDelegate = {
  findMany(args: unknown): Promise<Rows>;
  createMany(args: unknown): Promise<{ count: number }>;
  deleteMany(args: unknown): Promise<{ count: number }>;
  count(args: unknown): Promise<number>;
};
type TxClient = Parameters<Parameters<TenantPlaneClient["$transaction"]>[0]>[0];

const BATCH = 1_000;
const TRANSACTION = { timeout: 10 * 60_000, maxWait: 30_000 };

function delegate(client: TxClient | TenantPlaneClient, model: Model): AnyDelegate {
  return (client as unknown as Record<Model, AnyDelegate>)[model];
}

/** Deletes the tenant's rows of every table, children first. */
async function clearTenantRows(tx: TxClient, tenantId: string): Promise<void> {
  for (const model of [...MODELS].reverse()) await delegate(tx, model).deleteMany({ where: { tenantId } });
}

async function asTenant(tx: TxClient, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
}

export interface MoveResult {
  tenantId: string;
  from: IsolationLevel;
  to: IsolationLevel;
  rows: Record<Model, number>;
  ms: number;
}

export interface MoveOptions {
  /** Moving to "database": the tenant's own server instead of database t_<id> on the main one. */
  databaseUrl?: string;
}

export async function moveTenant(tenantId: string, to: IsolationLevel, options: MoveOptions = {}): Promise<MoveResult> {
  const started = performance.now();
  const db = await controlDb();
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant || tenant.deletedAt) throw new NotFoundError("Tenant");
  const from = tenant.isolationLevel as IsolationLevel;
  const rows = Object.fromEntries(MODELS.map((m) => [m, 0])) as Record<Model, number>;
  if (from === to) return { tenantId, from, to, rows, ms: 0 };
  if (tenant.status !== "suspended") {
    throw new ConflictError(
      "Suspend the tenant before moving it between isolation levels: writes during the copy would be lost",
      "isolationLevel",
    );
  }

  if (options.databaseUrl !== undefined && to !== "database") {
    throw new ValidationError([
      { field: "databaseUrl", message: "A connection string applies to the database level only" },
    ]);
  }
  if (from === "database" && tenant.databaseUrlEncrypted && to === "database")
    return { tenantId, from, to, rows, ms: 0 };

  const source: PlaneTenant = { id: tenantId, isolationLevel: from };
  const target: PlaneTenant = { id: tenantId, isolationLevel: to };
  const sourceUrl = tenant.databaseUrlEncrypted;
  if (options.databaseUrl !== undefined) {
    const url = parseDatabaseUrl(options.databaseUrl);
    await db.tenant.update({
      where: { id: tenantId },
      data: { databaseUrlEncrypted: encryptDatabaseUrl(url, tenantId) },
    });
  }
  try {
    await provisionTenantPlane(target);
  } catch (error) {
    if (options.databaseUrl !== undefined) {
      await db.tenant.update({ where: { id: tenantId }, data: { databaseUrlEncrypted: sourceUrl } });
    }
    throw error;
  }
  const sourceLease = await acquireTenantPlane(source);
  const targetLease = await acquireTenantPlane(target);
  // One short transaction per batch on each side, never one inside the other: in embedded
  // mode both sides can share PGlite's single connection. Atomicity comes from the cleanup
  // below — the target is new and empty, and the suspended source cannot change meanwhile.
  const inTenant = <T>(client: TenantPlaneClient, fn: (tx: TxClient) => Promise<T>) =>
    client.$transaction(async (tx) => {
      await asTenant(tx, tenantId);
      return fn(tx);
    }, TRANSACTION);
  try {
    // Leftovers of an interrupted earlier move: the source stays authoritative until the
    // switch, so the target starts from empty.
    await inTenant(targetLease.client, (tx) => clearTenantRows(tx, tenantId));
    for (const model of MODELS) {
      let cursor: Record<string, unknown> | undefined;
      for (;;) {
        const batch = await inTenant(sourceLease.client, (tx) =>
          delegate(tx, model).findMany({
            where: { tenantId },
            orderBy: { id: "asc" },
            take: BATCH,
            ...(cursor ? { skip: 1, cursor } : {}),
          }),
        );
        if (batch.length === 0) break;
        await inTenant(targetLease.client, (tx) => delegate(tx, model).createMany({ data: batch }));
        rows[model] += batch.length;
        cursor = { tenantId_id: { tenantId, id: batch[batch.length - 1].id } };
        if (batch.length < BATCH) break;
      }
      const copied = await inTenant(targetLease.client, (tx) => delegate(tx, model).count({ where: { tenantId } }));
      const expected = await inTenant(sourceLease.client, (tx) => delegate(tx, model).count({ where: { tenantId } }));
      if (copied !== expected) throw new Error(`Copy of ${model} incomplete: ${copied} of ${expected} rows`);
    }
  } catch (error) {
    // The source is untouched; remove what the target received.
    if (to === "shared_database") {
      await inTenant(targetLease.client, (tx) => clearTenantRows(tx, tenantId)).catch(() => undefined);
    }
    sourceLease.release();
    targetLease.release();
    if (to !== "shared_database") await dropTenantPlane(target).catch(() => undefined);
    if (options.databaseUrl !== undefined) {
      await db.tenant.update({ where: { id: tenantId }, data: { databaseUrlEncrypted: sourceUrl } });
    }
    throw error;
  }
  sourceLease.release();
  targetLease.release();

  await db.tenant.update({
    where: { id: tenantId },
    data: {
      isolationLevel: to,
      schemaName: to === "schema" ? schemaNameFor(tenantId) : null,
      databaseName: to === "database" ? databaseNameFor(tenantId) : null,
    },
  });
  await tenantDirectory().invalidateTenant({ id: tenantId, slug: tenant.slug });
  await evictTenantPlane(tenantId);

  // The old copy goes: a schema or database entirely, shared rows one tenant at a time.
  if (from === "shared_database") {
    const lease = await acquireTenantPlane(source);
    try {
      await inTenant(lease.client, (tx) => clearTenantRows(tx, tenantId));
    } finally {
      lease.release();
    }
  } else {
    await dropTenantPlane(source);
    // The tenant left its own server: forget the connection string too.
    if (from === "database" && sourceUrl && to !== "database") {
      await db.tenant.update({ where: { id: tenantId }, data: { databaseUrlEncrypted: null } });
    }
  }
  return { tenantId, from, to, rows, ms: Math.round(performance.now() - started) };
}
