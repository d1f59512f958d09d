import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "@/lib/auth/permissions";

/**
 * The tenant context: which tenant the current unit of work belongs to, and who acts.
 * AsyncLocalStorage carries it through awaits, Promise.all, streams and callbacks; a
 * concurrent request has its own. Tenant-plane access reads it and fails closed when it
 * is missing, so forgetting to enter a context can never widen a query.
 */

export type IsolationLevel = "shared_database" | "schema" | "database";

export interface ContextTenant {
  id: string;
  slug: string;
  isolationLevel: IsolationLevel;
  tier: string;
  features: Readonly<Record<string, boolean>>;
  schemaName?: string | null;
  databaseName?: string | null;
}

export type Actor =
  | { type: "user"; userId: string; role: Role }
  | { type: "api_key"; apiKeyId: string; role: Role }
  | { type: "system"; reason: string };

export interface TenantContext {
  tenant: ContextTenant;
  actor: Actor;
}

export class TenantContextMissingError extends Error {
  constructor() {
    super("No tenant context: tenant data can only be reached inside runInTenantContext()");
    this.name = "TenantContextMissingError";
  }
}

// One store per process, shared by every bundle (proxy, route handlers, server actions).
const KEY = Symbol.for("logiaccounting.tenant-context");
type Holder = { [KEY]?: AsyncLocalStorage<TenantContext> };
const storage = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<TenantContext>());

export function runInTenantContext<T>(context: TenantContext, fn: () => T): T {
  const frozen = Object.freeze({ ...context, tenant: Object.freeze({ ...context.tenant }) });
  return storage.run(frozen, () => {
    const result = fn();
    // Prisma's promises are lazy: the query runs when `then` is called, which for a
    // returned promise would be the caller's await, outside this context. Adopting it
    // here calls `then` inside the context.
    return (isThenable(result) ? Promise.resolve(result) : result) as T;
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/** The current context; throws outside one. */
export function tenantContext(): TenantContext {
  const context = storage.getStore();
  if (!context) throw new TenantContextMissingError();
  return context;
}

export function currentTenant(): ContextTenant {
  return tenantContext().tenant;
}

export function currentActor(): Actor {
  return tenantContext().actor;
}

/** The context if there is one, for code that behaves differently outside (logging). */
export function optionalTenantContext(): TenantContext | undefined {
  return storage.getStore();
}
