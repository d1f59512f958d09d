import { AsyncLocalStorage } from "node:async_hooks";
import { runScopedStatement } from "@/lib/db/statement-scope";
import { pendingTenantBegin } from "@/lib/db/tenant-begin";
import { Prisma } from "@/lib/generated/tenant/client";
import { currentTenant, type ContextTenant } from "./context";
import { acquireTenantPlane, type TenantPlaneLease } from "./isolation/planes";
import { scopeArgs, uniqueWhereAsFilter, type Operation } from "./scoping";
import { sharedTenantPlane, type TenantPlaneClient } from "./tenant-client";

/**
 * The scoped tenant client: the only way application code reaches tenant data.
 *
 * Two layers, each sufficient on its own:
 * 1. This Prisma extension rewrites every model operation (scoping.ts) so it filters by,
 *    and writes, the current tenant's id — read from the tenant context, so it throws
 *    outside one.
 * 2. Every operation runs inside a transaction that first does
 *    `set_config('app.tenant_id', <id>, true)` and `set_config('role', 'logi_app', true)`:
 *    Postgres row level security (FORCE, policy on app.tenant_id) then filters again, as a
 *    role that owns nothing and cannot bypass RLS. Both settings are transaction-local, so
 *    a pooled connection never carries one tenant's setting into another's transaction.
 *
 * Scoping is per transaction, never per statement: Prisma may batch same-tick queries of
 * different requests into one statement, which a per-statement setting would leak across
 * (TOOLCHAIN.md). `tenantTransaction(fn)` runs a unit of work in one transaction (fast:
 * one BEGIN/set_config/COMMIT for all its queries); a model call made outside one opens its
 * own transaction.
 */

export const APP_ROLE = "logi_app";

/**
 * The unit of work of the current async context. Its database transaction opens on first
 * need: with `deferReads`, reads before the first write run as single scoped statements
 * (statement-scope.ts) — under READ COMMITTED every statement takes its own snapshot
 * anyway, so they see what they would have seen inside — and the first write opens the
 * transaction that every later operation joins, so the unit's writes still commit or
 * roll back together and later reads see them.
 */
interface ActiveTransaction {
  tenantId: string;
  /** The client over the tenant's tables (shared, its schema or its database). */
  plane: TenantPlaneClient;
  deferReads: boolean;
  isOpen(): boolean;
  transaction(): Promise<Prisma.TransactionClient>;
}

const KEY = Symbol.for("logiaccounting.tenant-transaction");
type Holder = { [KEY]?: AsyncLocalStorage<ActiveTransaction> };
const transactions = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<ActiveTransaction>());

/** The plane holding the tenant's rows, for its isolation level (isolation/planes.ts). */
function leasePlane(tenant: ContextTenant): Promise<TenantPlaneLease> {
  return acquireTenantPlane({ id: tenant.id, isolationLevel: tenant.isolationLevel });
}

async function enterTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
  await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`;
}

/**
 * Opens a transaction of the tenant's plane with the tenant set: on a server the BEGIN
 * carries the settings (lib/db/tenant-begin.ts); otherwise a statement sets them.
 */
function openTenantTransaction<T>(
  plane: TenantPlaneClient,
  tenantId: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  const pending = { tenantId, role: APP_ROLE, applied: false };
  return pendingTenantBegin.run(pending, () =>
    plane.$transaction(
      async (tx) => {
        if (!pending.applied) await enterTenant(tx, tenantId);
        return fn(tx);
      },
      { timeout: options.timeoutMs ?? 15_000, maxWait: 10_000, isolationLevel: options.isolationLevel },
    ),
  );
}

export interface TenantTransactionOptions {
  timeoutMs?: number;
  isolationLevel?: Prisma.TransactionIsolationLevel;
}

interface DeferredTransaction extends ActiveTransaction {
  /** Commits (no error) or rolls back (error) the transaction, if it was opened. */
  finish(error?: { cause: unknown }): Promise<void>;
}

function deferredTransaction(
  plane: TenantPlaneClient,
  tenantId: string,
  deferReads: boolean,
  options: TenantTransactionOptions,
): DeferredTransaction {
  let opened: Promise<Prisma.TransactionClient> | null = null;
  let settled: Promise<unknown> = Promise.resolve();
  let release: (error?: { cause: unknown }) => void = () => undefined;
  return {
    tenantId,
    plane,
    deferReads,
    isOpen: () => opened !== null,
    transaction() {
      opened ??= new Promise<Prisma.TransactionClient>((resolveTx, rejectTx) => {
        settled = openTenantTransaction(
          plane,
          tenantId,
          (tx) =>
            new Promise<void>((resolve, reject) => {
              release = (error) => (error ? reject(error.cause) : resolve());
              resolveTx(tx);
            }),
          options,
        );
        // Opening failed before the callback ran (no connection, BEGIN failed, timeout).
        settled.catch(rejectTx);
      });
      return opened;
    },
    async finish(error) {
      if (!opened) return;
      try {
        await opened;
      } catch {
        return; // Never opened: nothing to commit or roll back; the caller saw the error.
      }
      release(error);
      await settled;
    },
  };
}

/**
 * Runs `fn` as one unit of work scoped to the current tenant: its writes commit together
 * or not at all (a throw rolls them back). Nested calls join the outer unit.
 */
export async function tenantTransaction<T>(
  fn: (db: ScopedTenantClient) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  const tenant = currentTenant();
  const db = await scopedTenantClient();
  const active = transactions.getStore();
  if (active) {
    if (active.tenantId !== tenant.id) throw new Error("A tenant transaction cannot switch tenants");
    return fn(db);
  }
  const lease = await leasePlane(tenant);
  try {
    // A stricter isolation level takes its snapshot at the first statement: reads stay inside.
    const deferReads = !options.isolationLevel && lease.statementScope;
    const unit = deferredTransaction(lease.client, tenant.id, deferReads, options);
    let result: T;
    try {
      // Awaited inside run(): a lazy Prisma promise returned as is would start outside the unit.
      result = await transactions.run(unit, async () => await fn(db));
    } catch (cause) {
      await unit.finish({ cause }).catch(() => undefined);
      throw cause;
    }
    await unit.finish();
    return result;
  } finally {
    lease.release();
  }
}

function lowerFirst(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

type Delegate = Record<string, (args: unknown) => Promise<unknown>>;

/** Reads that may run as one pipelined statement outside a unit of work (statement-scope.ts). */
const READS: Partial<Record<Operation, Operation>> = {
  findUnique: "findFirst",
  findUniqueOrThrow: "findFirstOrThrow",
  findFirst: "findFirst",
  findFirstOrThrow: "findFirstOrThrow",
  findMany: "findMany",
  count: "count",
  aggregate: "aggregate",
  groupBy: "groupBy",
};

function asRead(operation: Operation, scoped: unknown): { operation: Operation; args: unknown } | null {
  const read = READS[operation];
  if (!read) return null;
  if (read === operation) return { operation, args: scoped };
  const args = scoped as Record<string, unknown>;
  return { operation: read, args: { ...args, where: uniqueWhereAsFilter(args.where) } };
}

function buildScopedClient(base: TenantPlaneClient) {
  return base.$extends({
    name: "tenant-scope",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args }) {
          const tenant = currentTenant();
          const scoped = scopeArgs(operation as Operation, args, tenant.id);
          const run = (tx: Prisma.TransactionClient) =>
            (tx as unknown as Record<string, Delegate>)[lowerFirst(model)][operation](scoped);
          const read = asRead(operation as Operation, scoped);
          const asStatement = (plane: TenantPlaneClient, r: NonNullable<typeof read>) => {
            const delegate = (plane as unknown as Record<string, Delegate>)[lowerFirst(model)];
            // Awaited inside: the lazy Prisma promise must start within the scope.
            return runScopedStatement(
              { tenantId: tenant.id, role: APP_ROLE },
              async () => await delegate[r.operation](r.args),
            );
          };
          const active = transactions.getStore();
          if (active) {
            if (active.tenantId !== tenant.id) throw new Error("Tenant context changed inside a tenant transaction");
            if (read && active.deferReads && !active.isOpen()) return asStatement(active.plane, read);
            return run(await active.transaction());
          }
          const lease = await leasePlane(tenant);
          try {
            if (read && lease.statementScope) return await asStatement(lease.client, read);
            return await openTenantTransaction(lease.client, tenant.id, async (tx) => await run(tx));
          } finally {
            lease.release();
          }
        },
      },
    },
  });
}

export type ScopedTenantClient = ReturnType<typeof buildScopedClient>;

const CLIENT_KEY = Symbol.for("logiaccounting.scoped-tenant-client");
type ClientHolder = { [CLIENT_KEY]?: Promise<ScopedTenantClient> };

/**
 * The scoped client. Its model methods (`db.invoice.findMany(...)`, …) need no tenantId:
 * it is added, and any other tenant's id replaced, from the tenant context.
 */
export function scopedTenantClient(): Promise<ScopedTenantClient> {
  const holder = globalThis as ClientHolder;
  holder[CLIENT_KEY] ??= sharedTenantPlane().then(buildScopedClient);
  return holder[CLIENT_KEY];
}
