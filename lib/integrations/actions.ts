"use server";

import { revalidatePath } from "next/cache";
import { hostTenant } from "@/lib/auth/host-scope";
import { requireMember } from "@/lib/auth/session";
import { DomainError, QuotaExceededError, ValidationError } from "@/lib/http/errors";
import { createWebhook, deleteWebhook, rollWebhookSecret, sendTestEvent, updateWebhook } from "./webhooks";

/** The integrations page's forms (app/[tenant]/(workspace)/settings/integrations): owners and admins only. */

export interface WebhookFormState {
  created?: { url: string; secret: string };
  error?: string;
  /** The quota problem's upgrade link, when the plan's integrations are used up. */
  upgradeUrl?: string;
  fieldErrors?: Record<string, string[]>;
}

async function adminOfHostTenant() {
  const tenant = await hostTenant();
  if (!tenant) throw new Error("No workspace on this host");
  const membership = await requireMember(tenant, "integrations:manage");
  return { tenant, membership };
}

export async function createWebhookAction(_prev: WebhookFormState, form: FormData): Promise<WebhookFormState> {
  try {
    const { tenant, membership } = await adminOfHostTenant();
    const events = form.getAll("events").map(String);
    const created = await createWebhook(
      tenant.id,
      { url: String(form.get("url") ?? ""), description: String(form.get("description") ?? ""), events },
      membership.user.id,
    );
    revalidatePath("/settings/integrations");
    return { created: { url: created.url, secret: created.secret } };
  } catch (error) {
    if (error instanceof ValidationError) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of error.issues) (fieldErrors[issue.field.split(".")[0]] ??= []).push(issue.message);
      return { fieldErrors };
    }
    if (error instanceof QuotaExceededError)
      return { error: error.message, upgradeUrl: String(error.extensions.upgradeUrl ?? "/usage") };
    return { error: error instanceof DomainError ? error.message : "Could not add the endpoint" };
  }
}

/** The page's small buttons: enable/disable, send a test event, roll the secret, delete. */
export async function webhookCommandAction(_prev: WebhookFormState, form: FormData): Promise<WebhookFormState> {
  try {
    const { tenant } = await adminOfHostTenant();
    const id = String(form.get("id") ?? "");
    let state: WebhookFormState = {};
    switch (form.get("command")) {
      case "enable":
      case "disable":
        await updateWebhook(tenant.id, id, { enabled: form.get("command") === "enable" });
        break;
      case "test":
        await sendTestEvent(tenant.id, id);
        break;
      case "roll": {
        const rolled = await rollWebhookSecret(tenant.id, id);
        state = { created: { url: rolled.url, secret: rolled.secret } };
        break;
      }
      case "delete":
        await deleteWebhook(tenant.id, id);
        break;
      default:
        return { error: "Unknown command" };
    }
    revalidatePath("/settings/integrations");
    return state;
  } catch (error) {
    return { error: error instanceof DomainError ? error.message : "Could not do that" };
  }
}
