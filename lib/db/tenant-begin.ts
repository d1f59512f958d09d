import { AsyncLocalStorage } from "node:async_hooks";
import type { Pool, PoolClient } from "pg";

/**
 * Saves a round trip per tenant transaction on a PostgreSQL server: when the scoped client
 * opens a transaction for a tenant, the `BEGIN` Prisma sends goes out as one simple query
 * `BEGIN; SELECT set_config('app.tenant_id', …, true), set_config('role', 'logi_app', true)`.
 *
 * A tenant transaction that only ran SELECTs does not wait for its COMMIT (see below).
 *
 * This is per transaction, never per statement (the per-statement variant leaks across
 * requests, TOOLCHAIN.md): the pending tenant is held in AsyncLocalStorage only around the
 * `$transaction` call that sends this BEGIN, and the flag records whether it was applied —
 * if the hook did not fire, the scoped client sets the tenant with its own statement.
 */

export interface PendingTenantBegin {
  tenantId: string;
  role: string;
  applied: boolean;
}

const KEY = Symbol.for("logiaccounting.tenant-begin");
type Holder = { [KEY]?: AsyncLocalStorage<PendingTenantBegin> };
export const pendingTenantBegin = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<PendingTenantBegin>());

/** Per pooled client: whether the open tenant transaction has only read so far. */
const READ_ONLY = Symbol("tenant-transaction-read-only");
const SELECT = /^\s*select\b/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE = /^[a-z_][a-z0-9_]{0,62}$/;
const PATCHED = Symbol("tenant-begin-patched");

type QueryFn = (...args: unknown[]) => unknown;

function patchClient(client: PoolClient): void {
  const target = client as PoolClient & { [PATCHED]?: boolean };
  if (target[PATCHED]) return;
  target[PATCHED] = true;
  const state = client as PoolClient & { [READ_ONLY]?: boolean };
  const original = client.query.bind(client) as QueryFn;
  (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
    const first = args[0] as { text?: unknown; values?: unknown[] } | string;
    const text = typeof first === "string" ? first : first?.text;
    const pending = text === "BEGIN" ? pendingTenantBegin.getStore() : undefined;
    // Values are inlined only after strict validation; anything unexpected takes the slow path.
    if (pending && !pending.applied && UUID.test(pending.tenantId) && ROLE.test(pending.role)) {
      pending.applied = true;
      state[READ_ONLY] = true;
      const combined =
        `BEGIN; SELECT set_config('app.tenant_id', '${pending.tenantId}', true), ` +
        `set_config('role', '${pending.role}', true)`;
      return original(typeof first === "string" ? combined : { ...first, text: combined });
    }
    if (text === "COMMIT" && state[READ_ONLY]) {
      // A tenant transaction that only read has nothing to lose at COMMIT, so the caller
      // need not wait for it: the client runs its queries in order, so this COMMIT (which
      // also drops the transaction-local tenant and role) completes before anything the
      // next holder of this connection sends.
      state[READ_ONLY] = false;
      const commit = original(...args) as Promise<unknown>;
      commit.catch((error: unknown) => {
        // A pool shut down right after a read has nothing to report.
        if (!String(error).includes("Connection terminated")) {
          console.error("[db] COMMIT of a read-only tenant transaction failed", error);
        }
      });
      return Promise.resolve({ command: "COMMIT", rowCount: 0, rows: [], fields: [] });
    }
    if (text === "COMMIT" || text === "ROLLBACK") state[READ_ONLY] = false;
    else if (typeof text === "string" && state[READ_ONLY] && !SELECT.test(text)) state[READ_ONLY] = false;
    return original(...args);
  };
}

export function installTenantBeginHook(pool: Pool): void {
  pool.on("connect", (client) => patchClient(client));
}
