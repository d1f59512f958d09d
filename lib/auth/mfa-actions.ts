"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { ConflictError, ForbiddenError, UnauthenticatedError, ValidationError } from "@/lib/http/errors";
import type { TenantSummary } from "@/lib/tenancy/tenants";
import type { FormState } from "./actions";
import { signIn } from "./auth";
import { hostTenant } from "./host-scope";
import { confirmMfaEnrolment, disableMfa, regenerateRecoveryCodes, startMfaEnrolment } from "./mfa-store";
import { requireMember, sessionUser, type SessionUser } from "./session";

/** Only same-site paths after sign-in (an open redirect would hand sessions to phishers). */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "/";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** The second step of sign-in: the code from the authenticator app, or a recovery code. */
export async function verifyMfaSignIn(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = z
    .string()
    .trim()
    .min(6, "Enter the 6-digit code")
    .max(32)
    .safeParse(form.get("code") ?? "");
  if (!parsed.success) return { mfaRequired: true, fieldErrors: { code: parsed.error.issues.map((i) => i.message) } };
  try {
    await signIn("mfa", { code: parsed.data, redirect: false });
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      return {
        mfaRequired: true,
        message:
          code === "rate_limited"
            ? "Too many attempts. Wait a few minutes and try again."
            : "That code is not valid, or the sign-in took too long. Try a new code, or start again.",
      };
    }
    throw error;
  }
  return { ok: true, redirectTo: safeNext(form.get("next")) };
}

export interface MfaFormState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  enrolment?: { secret: string; uri: string };
  recoveryCodes?: string[];
  disabled?: boolean;
  /** Where to go after enrolment (a full navigation through the proxy). */
  redirectTo?: string;
}

/**
 * The signed-in user for MFA changes: on a tenant host a member of it (MFA enrolment must
 * stay possible while the tenant requires it, so the enrolment gate is not applied).
 */
async function currentUser(): Promise<{ user: SessionUser; tenant: TenantSummary | null }> {
  const tenant = await hostTenant();
  if (tenant) {
    const { user } = await requireMember(tenant, "tenant:read", { allowMissingMfa: true });
    return { user, tenant };
  }
  const user = await sessionUser(null);
  if (!user) throw new UnauthenticatedError();
  return { user, tenant: null };
}

function failure(error: unknown): MfaFormState {
  if (error instanceof ValidationError) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.issues) (fieldErrors[issue.field] ??= []).push(issue.message);
    return { fieldErrors };
  }
  if (error instanceof ConflictError || error instanceof ForbiddenError || error instanceof UnauthenticatedError) {
    return { error: error.message };
  }
  throw error;
}

export async function startMfaEnrolmentAction(): Promise<MfaFormState> {
  try {
    const { user, tenant } = await currentUser();
    return {
      enrolment: await startMfaEnrolment(user.id, tenant ? `${tenant.name} (LogiAccounting)` : "LogiAccounting Pro"),
    };
  } catch (error) {
    return failure(error);
  }
}

export async function confirmMfaEnrolmentAction(_prev: MfaFormState, form: FormData): Promise<MfaFormState> {
  const secret = String(form.get("secret") ?? "");
  const uri = String(form.get("uri") ?? "");
  try {
    const { user } = await currentUser();
    const { recoveryCodes } = await confirmMfaEnrolment(user.id, String(form.get("code") ?? ""));
    return { recoveryCodes, redirectTo: safeNext(form.get("next")) };
  } catch (error) {
    // Keep showing the secret being confirmed, so a mistyped code can be tried again.
    return { ...failure(error), enrolment: secret && uri ? { secret, uri } : undefined };
  }
}

export async function disableMfaAction(_prev: MfaFormState, form: FormData): Promise<MfaFormState> {
  try {
    const { user } = await currentUser();
    await disableMfa(user.id, String(form.get("code") ?? ""));
    return { disabled: true };
  } catch (error) {
    return failure(error);
  }
}

export async function regenerateRecoveryCodesAction(_prev: MfaFormState, form: FormData): Promise<MfaFormState> {
  try {
    const { user } = await currentUser();
    return await regenerateRecoveryCodes(user.id, String(form.get("code") ?? ""));
  } catch (error) {
    return failure(error);
  }
}
