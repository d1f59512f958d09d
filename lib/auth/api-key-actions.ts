"use server";

import { revalidatePath } from "next/cache";
import { requireFeature } from "@/lib/accounting/features";
import { DomainError } from "@/lib/http/errors";
import { createApiKey, revokeApiKey } from "./api-keys";
import { hostTenant } from "./host-scope";
import { requireMember } from "./session";

export interface ApiKeyFormState {
  created?: { name: string; secret: string };
  error?: string;
  fieldErrors?: Record<string, string[]>;
}

async function adminOfHostTenant() {
  const tenant = await hostTenant();
  if (!tenant) throw new Error("No workspace on this host");
  const membership = await requireMember(tenant, "api_keys:manage");
  requireFeature(tenant, "api_access");
  return { tenant, membership };
}

export async function createApiKeyAction(_prev: ApiKeyFormState, form: FormData): Promise<ApiKeyFormState> {
  try {
    const { tenant, membership } = await adminOfHostTenant();
    const name = String(form.get("name") ?? "").trim();
    if (!name) return { fieldErrors: { name: ["Give the key a name"] } };
    const key = await createApiKey({ tenantId: tenant.id, name, createdById: membership.user.id });
    revalidatePath("/settings/api-keys");
    return { created: { name: key.name, secret: key.secret } };
  } catch (error) {
    return {
      error: error instanceof DomainError || error instanceof Error ? error.message : "Could not create the key",
    };
  }
}

export async function revokeApiKeyAction(form: FormData): Promise<void> {
  const { tenant } = await adminOfHostTenant();
  await revokeApiKey(tenant.id, String(form.get("id") ?? ""));
  revalidatePath("/settings/api-keys");
}
