import "server-only";
import { notFound } from "next/navigation";
import { can, type Permission } from "@/lib/auth/permissions";
import { memberForPage, type Membership } from "@/lib/auth/session";
import { DomainError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { runInTenantContext } from "@/lib/tenancy/context";
import { contextFor, requireTenantForRoute } from "@/lib/tenancy/current";
import type { TenantSummary } from "@/lib/tenancy/tenants";

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export interface PageScope {
  tenant: TenantSummary;
  member: Membership;
  /** Runs a service call in this tenant's context. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  can(permission: Permission): boolean;
}

/** The tenant and member of a workspace page (null when not a member: the layout explains). */
export async function pageScope(params: Promise<{ tenant: string }>): Promise<PageScope | null> {
  const tenant = await requireTenantForRoute((await params).tenant);
  const member = await memberForPage(tenant);
  if (!member) return null;
  const context = contextFor(tenant, member);
  return {
    tenant,
    member,
    run: (fn) => runInTenantContext(context, fn),
    can: (permission) => can(member.role, permission),
  };
}

/** Loads a record for a detail page; a missing (or foreign, or malformed) id is a 404 page. */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** The first value of a query-string parameter. */
export function param(search: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = search[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The query string as a flat object of non-empty strings. */
export function flatSearch(search: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(search)) {
    const value = param(search, key);
    if (value) out[key] = value;
  }
  return out;
}

/**
 * Runs a list query for a page: bad filters, sorts or cursors (domain errors) become a
 * message the page shows next to the filters, never a 500.
 */
export async function listOrError<T>(
  scope: PageScope,
  load: () => Promise<T>,
): Promise<{ page: T; error: null } | { page: null; error: string }> {
  try {
    return { page: await scope.run(load), error: null };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const error = e instanceof ValidationError ? e.issues.map((i) => `${i.field}: ${i.message}`).join("; ") : e.message;
    return { page: null, error };
  }
}
