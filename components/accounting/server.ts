import "server-only";
import { hostTenant } from "@/lib/auth/host-scope";
import type { Permission } from "@/lib/auth/permissions";
import { requireMember, type Membership } from "@/lib/auth/session";
import { hasFeature, type AccountingFeature } from "@/lib/accounting/features";
import {
  ConflictError,
  DomainError,
  FeatureNotAvailableError,
  ForbiddenError,
  NotFoundError,
  QuotaExceededError,
  UnauthenticatedError,
  ValidationError,
} from "@/lib/http/errors";
import { runInTenantContext } from "@/lib/tenancy/context";
import { contextFor } from "@/lib/tenancy/current";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import type { FormState } from "./form-state";

/**
 * Server-action plumbing: the host's tenant, the member's role checked against the
 * permission, the plan feature, and the service call inside the tenant context. Every
 * failure becomes a FormState (field errors by name, or one message), never a 500.
 */

export interface ActionScope {
  tenant: TenantSummary;
  member: Membership;
}

export async function inTenantAction<T>(
  permission: Permission,
  feature: AccountingFeature,
  fn: (scope: ActionScope) => Promise<T>,
): Promise<T> {
  const tenant = await hostTenant();
  if (!tenant) throw new ForbiddenError("No workspace on this host");
  const member = await requireMember(tenant, permission);
  if (!hasFeature(tenant, feature)) throw new FeatureNotAvailableError(feature);
  return runInTenantContext(contextFor(tenant, member), () => fn({ tenant, member }));
}

/** Maps a thrown error to the form's state; unknown errors are logged and reported generically. */
export function errorState(error: unknown, values?: Record<string, string>): FormState {
  if (error instanceof ValidationError) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.issues) (fieldErrors[issue.field] ??= []).push(issue.message);
    return { fieldErrors, values, message: "Please correct the highlighted fields." };
  }
  if (error instanceof ConflictError) {
    const field = typeof error.extensions.field === "string" ? error.extensions.field : undefined;
    if (field && field !== "id" && field !== "status")
      return { fieldErrors: { [field]: [error.message] }, values, message: error.message };
    return { message: error.message, values };
  }
  if (error instanceof FeatureNotAvailableError)
    return { message: "This feature is not part of this workspace's plan.", values };
  if (error instanceof UnauthenticatedError) return { message: "Your session has ended: sign in again.", values };
  if (error instanceof ForbiddenError) return { message: "Your role does not allow this.", values };
  if (error instanceof NotFoundError) return { message: error.message, values };
  if (error instanceof QuotaExceededError) {
    const upgradeUrl = typeof error.extensions.upgradeUrl === "string" ? error.extensions.upgradeUrl : undefined;
    return { message: error.message, upgradeUrl, values };
  }
  if (error instanceof DomainError) return { message: error.message, values };
  console.error("[accounting] action failed", error);
  return { message: "Something went wrong on our side. Please try again.", values };
}

// ── FormData → service input ────────────────────────────────────────────────────────

export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && !key.startsWith("$")) values[key] = value;
  return values;
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** "" → undefined (so defaults and "required" apply); otherwise a number, NaN when not one. */
export function numberOrUndefined(raw: string): number | undefined {
  const value = raw.trim();
  if (value === "") return undefined;
  return Number(value.replace(/\s/g, ""));
}

/** A major-unit amount typed in a form ("12.50") → minor units (1250); "" → undefined. */
export function minorFromInput(raw: string, digits: number): number | undefined {
  const value = numberOrUndefined(raw.replace(/,/g, ""));
  if (value === undefined || Number.isNaN(value)) return value;
  return Math.round(value * 10 ** digits);
}
