"use server";

import { revalidatePath } from "next/cache";
import { hostTenant } from "@/lib/auth/host-scope";
import type { Permission } from "@/lib/auth/permissions";
import { requireMember } from "@/lib/auth/session";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  QuotaExceededError,
  UnauthenticatedError,
  ValidationError,
} from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";
import { runInTenantContext } from "@/lib/tenancy/context";
import { contextFor } from "@/lib/tenancy/current";
import { ZodError } from "zod";
import { acceptAndSignIn } from "./accept";
import { cancelInvitation, inviteMember, resendInvitation } from "./invitations";
import { changeMemberRole, removeMember, transferOwnership } from "./members";

/**
 * Server actions of the team page and the public accept page. Each one finds the host's
 * workspace, re-checks the member's permission (the services check the role rules again,
 * under lock), runs the service in the tenant context and returns a TeamFormState — never a
 * redirect() (see FormState.redirectTo in lib/auth/actions.ts).
 */

export interface TeamFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
  redirectTo?: string;
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

async function asMember<T>(permission: Permission, fn: () => Promise<T>): Promise<T> {
  const tenant = await hostTenant();
  if (!tenant) throw new ForbiddenError("No workspace on this host");
  const member = await requireMember(tenant, permission);
  return runInTenantContext(contextFor(tenant, member), fn);
}

function failure(error: unknown, values?: Record<string, string>): TeamFormState {
  if (error instanceof ZodError) error = new ValidationError(zodIssues(error));
  if (error instanceof ValidationError) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.issues) (fieldErrors[issue.field] ??= []).push(issue.message);
    return { fieldErrors, values, message: "Please correct the highlighted fields." };
  }
  if (
    error instanceof ConflictError &&
    typeof error.extensions.field === "string" &&
    error.extensions.field !== "status"
  )
    return { fieldErrors: { [error.extensions.field]: [error.message] }, values, message: error.message };
  if (error instanceof UnauthenticatedError) return { message: "Your session has ended: sign in again.", values };
  if (error instanceof QuotaExceededError) return { message: `No seat left: ${error.message}`, values };
  if (error instanceof DomainError) return { message: error.message, values };
  console.error("[team] action failed", error);
  return { message: "Something went wrong on our side. Please try again.", values };
}

export async function inviteAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  const values = { email: text(form, "email"), role: text(form, "role"), expiresInDays: text(form, "expiresInDays") };
  try {
    const days = values.expiresInDays.trim();
    const invitation = await asMember("team:invite", () =>
      inviteMember({
        email: values.email,
        role: values.role,
        ...(days ? { expiresInDays: Number(days) } : {}),
      }),
    );
    revalidatePath("/team");
    return { ok: true, message: `Invitation sent to ${invitation.email}.` };
  } catch (error) {
    return failure(error, values);
  }
}

export async function cancelInvitationAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  try {
    const invitation = await asMember("team:invite", () => cancelInvitation(text(form, "id")));
    revalidatePath("/team");
    return { ok: true, message: `Invitation for ${invitation.email} cancelled.` };
  } catch (error) {
    return failure(error);
  }
}

export async function resendInvitationAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  try {
    const invitation = await asMember("team:invite", () => resendInvitation(text(form, "id")));
    revalidatePath("/team");
    return { ok: true, message: `Sent again to ${invitation.email}.` };
  } catch (error) {
    return failure(error);
  }
}

export async function changeRoleAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  try {
    const member = await asMember("team:manage", () =>
      changeMemberRole(text(form, "userId"), { role: text(form, "role") }),
    );
    revalidatePath("/team");
    return { ok: true, message: `${member.name ?? member.email} is now ${member.role}.` };
  } catch (error) {
    return failure(error);
  }
}

export async function removeMemberAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  try {
    const userId = text(form, "userId");
    const self = text(form, "self") === "1";
    await asMember("tenant:read", () => removeMember(userId));
    revalidatePath("/team");
    // Someone who left has no business on the team page any more.
    return self ? { ok: true, redirectTo: "/" } : { ok: true, message: "Member removed." };
  } catch (error) {
    return failure(error);
  }
}

export async function transferOwnershipAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  try {
    const { newOwner } = await asMember("tenant:transfer", () => transferOwnership({ userId: text(form, "userId") }));
    revalidatePath("/team");
    return { ok: true, message: `${newOwner.name ?? newOwner.email} now owns the workspace; you are an admin.` };
  } catch (error) {
    return failure(error);
  }
}

/** The public accept page's form: sign up (name + password) or sign in (password), then join. */
export async function acceptInvitationAction(_prev: TeamFormState, form: FormData): Promise<TeamFormState> {
  const values = { name: text(form, "name") };
  try {
    const tenant = await hostTenant();
    if (!tenant) throw new ForbiddenError("No workspace on this host");
    const input: Record<string, string> = { email: text(form, "email") };
    if (form.has("name")) input.name = text(form, "name");
    if (form.has("password")) input.password = text(form, "password");
    const result = await acceptAndSignIn(tenant, text(form, "token"), input);
    return { ok: true, redirectTo: result.redirectTo };
  } catch (error) {
    return failure(error, values);
  }
}
