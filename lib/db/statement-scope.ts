import { AsyncLocalStorage } from "node:async_hooks";
import pg, { type Pool, type QueryConfig } from "pg";

/**
 * One round trip for a tenant-scoped read outside a unit of work, on a PostgreSQL server.
 *
 * In the extended query protocol every message up to a Sync runs in one implicit
 * transaction (unless a BEGIN opened an explicit one). A scoped read therefore goes out as
 *
 *   Parse/Bind/Execute  SELECT set_config('app.tenant_id', $1, true), set_config('role', $2, true)
 *   Parse/Bind/Describe/Execute  <the query Prisma built>
 *   Sync
 *
 * in one write: the settings are transaction-local, so they hold for exactly that query and
 * are gone at the Sync — the same per-transaction guarantee as BEGIN … COMMIT (decision
 * 0009), without a BEGIN, a COMMIT or Prisma's interactive-transaction machinery.
 *
 * The tenant is bound to the query object at the moment the adapter calls `pool.query`,
 * which happens synchronously in the caller's async context; it is never read later (a
 * pool hands connections to waiters from another request's context, so reading
 * AsyncLocalStorage at send time could pick the wrong tenant). Prisma batches same-tick
 * `findUnique` calls of different requests into one query run in one request's context
 * (TOOLCHAIN.md); the scoped client therefore never sends a `findUnique` down this path
 * (it becomes a `findFirst`), and sends only reads. Even a mix-up could not leak: the
 * extension's own `tenant_id` filter and RLS would then disagree and match nothing.
 */

export interface StatementTenant {
  tenantId: string;
  role: string;
}

const KEY = Symbol.for("logiaccounting.statement-tenant");
type Holder = { [KEY]?: AsyncLocalStorage<StatementTenant> };
const statementTenant = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<StatementTenant>());

const SET_TENANT = "SELECT set_config('app.tenant_id', $1, true), set_config('role', $2, true)";

/** The parts of pg's (untyped) Connection and Query internals this module drives. */
interface ProtocolConnection {
  parse(message: { text: string; name?: string; types?: unknown[] }): void;
  bind(message: { portal?: string; statement?: string; values: unknown[] }): void;
  execute(message: { portal?: string; rows?: number }): void;
}
interface QueryInternals {
  prepare(connection: ProtocolConnection): void;
  handleDataRow(message: unknown): void;
  handleCommandComplete(message: unknown, connection: ProtocolConnection): void;
}
type QueryConstructor = new (config: QueryConfig) => QueryInternals & { requiresPreparation(): boolean };
const BaseQuery = pg.Query as unknown as QueryConstructor;

class TenantScopedQuery extends BaseQuery {
  /** True until the set_config statement's CommandComplete: its row is not the caller's. */
  private settingTenant = true;

  constructor(
    config: QueryConfig,
    private readonly scope: StatementTenant,
  ) {
    super(config);
  }

  override requiresPreparation(): boolean {
    return true;
  }

  override prepare(connection: ProtocolConnection): void {
    connection.parse({ text: SET_TENANT, name: "", types: [] });
    connection.bind({ portal: "", statement: "", values: [this.scope.tenantId, this.scope.role] });
    connection.execute({ portal: "", rows: 0 });
    super.prepare(connection);
  }

  override handleDataRow(message: unknown): void {
    if (this.settingTenant) return;
    super.handleDataRow(message);
  }

  override handleCommandComplete(message: unknown, connection: ProtocolConnection): void {
    if (this.settingTenant) {
      this.settingTenant = false;
      return;
    }
    super.handleCommandComplete(message, connection);
  }
}

// A registered symbol, not a module-local WeakSet: Next bundles this module more than once
// (proxy, route handlers, instrumentation), and every copy must see the pool as installed.
const INSTALLED = Symbol.for("logiaccounting.statement-scope-installed");
type MarkedPool = Pool & { [INSTALLED]?: true };

type PoolQuery = (...args: unknown[]) => unknown;

/** Lets `runScopedStatement` send queries of this pool with the tenant pipelined in. */
export function installStatementScope(pool: Pool): void {
  const marked = pool as MarkedPool;
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const original = pool.query.bind(pool) as PoolQuery;
  (pool as unknown as { query: PoolQuery }).query = (...args: unknown[]) => {
    const scope = statementTenant.getStore();
    const config = args[0];
    if (!scope || typeof config !== "object" || config === null || typeof (config as QueryConfig).text !== "string") {
      return original(...args);
    }
    // Bound now, in the caller's context (see above).
    return original(new TenantScopedQuery(config as QueryConfig, scope), ...args.slice(1));
  };
}

export function supportsStatementScope(pool: Pool): boolean {
  return (pool as MarkedPool)[INSTALLED] === true;
}

/**
 * Runs `fn` (one Prisma read, awaited inside) so that the statements it sends outside a
 * transaction carry the tenant. Only for reads; writes take a tenant transaction.
 */
export function runScopedStatement<T>(scope: StatementTenant, fn: () => Promise<T>): Promise<T> {
  return statementTenant.run(scope, fn);
}
