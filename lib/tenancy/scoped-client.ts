import { AsyncLocalStorage } from "node:async_hooks";
import { pendingTenantBegin } from "@/lib/db/tenant-begin";
import { Prisma } from "@/lib/generated/tenant/client";
import { currentTenant, type ContextTenant } from "./context";
import { scopeArgs, type Operation } from "./scoping";
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

interface ActiveTransaction {
  tenantId: string;
  tx: Prisma.TransactionClient;
}

const KEY = Symbol.for("logiaccounting.tenant-transaction");
type Holder = { [KEY]?: AsyncLocalStorage<ActiveTransaction> };
const transactions = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<ActiveTransaction>());

/** The tenant-plane client holding the tenant's rows (the shared tables for now). */
async function planeFor(_tenant: ContextTenant): Promise<TenantPlaneClient> {
  return sharedTenantPlane();
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

/**
 * Runs `fn` in one database transaction scoped to the current tenant. Nested calls join
 * the outer transaction. A throw rolls everything back.
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
  const plane = await planeFor(tenant);
  return openTenantTransaction(
    plane,
    tenant.id,
    // Awaited inside run(): a lazy Prisma promise returned as is would start outside the transaction.
    (tx) => transactions.run({ tenantId: tenant.id, tx }, async () => await fn(db)),
    options,
  );
}

function lowerFirst(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

type Delegate = Record<string, (args: unknown) => Promise<unknown>>;

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
          const active = transactions.getStore();
          if (active) {
            if (active.tenantId !== tenant.id) throw new Error("Tenant context changed inside a tenant transaction");
            return run(active.tx);
          }
          const plane = await planeFor(tenant);
          return openTenantTransaction(plane, tenant.id, async (tx) => await run(tx));
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
