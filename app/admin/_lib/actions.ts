"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { clientIp, hostTenant } from "@/lib/auth/host-scope";
import { requirePlatformAdmin } from "@/lib/http/admin-route";
import { DomainError, ForbiddenError, ValidationError } from "@/lib/http/errors";
import {
  activateTenant,
  createTenant,
  softDeleteTenant,
  suspendTenant,
  updateTenant,
  type PlatformActor,
} from "@/lib/platform/admin-tenants";

export interface AdminFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: Record<string, string[]>;
  values?: Record<string, string>;
}

/** The acting platform admin; the same check as the API (root domain, admin role from the database). */
async function actor(): Promise<PlatformActor> {
  if ((await hostTenant()) !== null) throw new ForbiddenError("Platform administrators only");
  const user = await requirePlatformAdmin();
  const ip = await clientIp();
  return { userId: user.id, ip: ip === "unknown" ? null : ip };
}

function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !key.startsWith("$") && key !== "ownerPassword") values[key] = value;
  }
  return values;
}

/** Validation errors become field errors; other domain errors a message; anything else propagates. */
function failure(error: unknown, form: FormData): AdminFormState {
  if (error instanceof ValidationError) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of error.issues) (fieldErrors[issue.field.split(".")[0] || "form"] ??= []).push(issue.message);
    return { fieldErrors, values: formValues(form), message: "Check the highlighted fields." };
  }
  if (error instanceof DomainError) return { message: error.message, values: formValues(form) };
  throw error;
}

const text = (form: FormData, key: string): string | undefined => {
  const value = form.get(key);
  return typeof value === "string" ? value : undefined;
};

export async function createTenantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  let id: string;
  try {
    const tenant = await createTenant(await actor(), {
      name: text(form, "name") ?? "",
      slug: text(form, "slug") ?? "",
      tier: text(form, "tier") || undefined,
      ownerEmail: text(form, "ownerEmail") ?? "",
      ownerName: text(form, "ownerName"),
      ownerPassword: text(form, "ownerPassword"),
      email: text(form, "email"),
    });
    id = tenant.id;
  } catch (error) {
    return failure(error, form);
  }
  revalidatePath("/admin/tenants");
  redirect(`/admin/tenants/${id}`);
}

const UPDATE_FIELDS = [
  "name",
  "legalName",
  "email",
  "phone",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "postalCode",
  "country",
  "taxId",
  "vatNumber",
  "tier",
  "isolationLevel",
] as const;

export async function updateTenantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = text(form, "id") ?? "";
  const input: Record<string, string> = {};
  for (const key of UPDATE_FIELDS) {
    const value = text(form, key);
    if (value !== undefined) input[key] = value;
  }
  try {
    await updateTenant(await actor(), id, input);
  } catch (error) {
    return failure(error, form);
  }
  revalidatePath(`/admin/tenants/${id}`);
  return { ok: true, message: "Saved.", values: formValues(form) };
}

export async function suspendTenantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = text(form, "id") ?? "";
  try {
    await suspendTenant(await actor(), id, { reason: text(form, "reason") ?? "" });
  } catch (error) {
    return failure(error, form);
  }
  revalidatePath(`/admin/tenants/${id}`);
  redirect(`/admin/tenants/${id}`);
}

export async function activateTenantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = text(form, "id") ?? "";
  try {
    await activateTenant(await actor(), id);
  } catch (error) {
    return failure(error, form);
  }
  revalidatePath(`/admin/tenants/${id}`);
  redirect(`/admin/tenants/${id}`);
}

export async function deleteTenantAction(_prev: AdminFormState, form: FormData): Promise<AdminFormState> {
  const id = text(form, "id") ?? "";
  try {
    await softDeleteTenant(await actor(), id);
  } catch (error) {
    return failure(error, form);
  }
  revalidatePath("/admin/tenants");
  redirect("/admin/tenants?deleted=1");
}
