"use server";

import { refresh } from "next/cache";
import { ZodError } from "zod";
import { clientIp, hostTenant } from "@/lib/auth/host-scope";
import { requireMember } from "@/lib/auth/session";
import { DomainError, NotFoundError, ValidationError } from "@/lib/http/errors";
import { zodIssues } from "@/lib/http/problem";
import { runInTenantContext } from "@/lib/tenancy/context";
import { contextFor } from "@/lib/tenancy/current";
import { assetKindFromSlug, deleteBrandingAsset, uploadBrandingAsset } from "./assets";
import { MODULES, NOTIFICATION_EVENTS } from "./schemas";
import {
  updateBrandingSettings,
  updateGeneralSettings,
  updateNotificationSettings,
  updateSecuritySettings,
} from "./settings";

/**
 * Server actions of the settings page: each turns its form into the same input the API
 * takes and calls the same service, so the page and the API validate, audit and apply
 * changes identically. Owners and admins only (settings:update), checked on every call.
 */

export interface SettingsFormState {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string[]>;
  /** What was submitted, so a form that failed shows the user's input again. */
  values?: Record<string, string>;
  /** Security: the list would lock the caller out; the form then offers the confirmation. */
  lockoutWarning?: boolean;
}

async function asSettingsAdmin<T>(fn: () => Promise<T>): Promise<T> {
  const tenant = await hostTenant();
  if (!tenant) throw new NotFoundError("Workspace");
  const member = await requireMember(tenant, "settings:update");
  return runInTenantContext(contextFor(tenant, member), fn);
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

function valuesOf(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value !== "string" || key.startsWith("$")) continue;
    values[key] = key in values ? `${values[key]}\n${value}` : value;
  }
  return values;
}

function failed(error: unknown, values: Record<string, string>): SettingsFormState {
  const issues = error instanceof ZodError ? zodIssues(error) : error instanceof ValidationError ? error.issues : null;
  if (issues) {
    const fieldErrors: Record<string, string[]> = {};
    // "ipAllowList.2" → ipAllowList; "sender.replyTo" → replyTo (the form's own field names).
    for (const issue of issues) {
      (fieldErrors[issue.field.replace(/^sender\./, "").split(".")[0]] ??= []).push(issue.message);
    }
    return { fieldErrors, values, error: "Some fields need attention." };
  }
  if (error instanceof DomainError) return { error: error.message, values };
  throw error;
}

async function save(form: FormData, fn: () => Promise<unknown>, message = "Saved."): Promise<SettingsFormState> {
  const values = valuesOf(form);
  try {
    await asSettingsAdmin(fn);
    // Re-render the page (and its layout: colours, logo, name) with the saved settings.
    refresh();
    return { ok: true, message, values };
  } catch (error) {
    return failed(error, values);
  }
}

const GENERAL_FIELDS = [
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
] as const;

export async function saveGeneralAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const input = Object.fromEntries(GENERAL_FIELDS.map((field) => [field, text(form, field)]));
  return save(form, () => updateGeneralSettings(input));
}

export async function saveLocaleAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const input = {
    language: text(form, "language"),
    timezone: text(form, "timezone"),
    currency: text(form, "currency"),
    dateFormat: text(form, "dateFormat"),
    numberFormat: text(form, "numberFormat"),
  };
  return save(form, () => updateGeneralSettings(input));
}

/** "key = value" per line → an object; a line without "=" is an error naming customSettings. */
function parseCustomSettings(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  raw.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const eq = line.indexOf("=");
    if (eq === -1) {
      throw new ValidationError([{ field: "customSettings", message: `Line ${index + 1}: write key = value` }]);
    }
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return out;
}

export async function saveWorkspaceAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const values = valuesOf(form);
  const modules = form.getAll("modules").map(String);
  if (modules.length === 0) {
    return {
      fieldErrors: { modulesEnabled: ["Choose at least one module"] },
      values,
      error: "Some fields need attention.",
    };
  }
  try {
    // Every module ticked is stored as "all", so modules a plan adds later show up too.
    const modulesEnabled = MODULES.every((m) => modules.includes(m)) ? [] : modules;
    const customSettings = parseCustomSettings(text(form, "customSettings"));
    return await save(form, () => updateGeneralSettings({ modulesEnabled, customSettings }));
  } catch (error) {
    return failed(error, values);
  }
}

export async function saveBrandingColoursAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  return save(form, () =>
    updateBrandingSettings({ primaryColor: text(form, "primaryColor"), secondaryColor: text(form, "secondaryColor") }),
  );
}

/** Uploads (or, with `remove`, deletes) one branding file; the form names the kind in `asset`. */
export async function saveBrandingFileAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const kind = assetKindFromSlug(text(form, "asset"));
  if (!kind) return { error: "Unknown branding file" };
  if (form.get("remove") === "1") return save(form, () => deleteBrandingAsset(kind), "Removed.");
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) {
    return { fieldErrors: { file: ["Choose an image file"] }, error: "Some fields need attention." };
  }
  return save(form, async () => uploadBrandingAsset(kind, new Uint8Array(await file.arrayBuffer())), "Uploaded.");
}

export async function saveSecurityAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const minLength = Number(text(form, "minLength"));
  const timeout = Number(text(form, "sessionTimeoutMinutes"));
  const input = {
    passwordPolicy: {
      minLength: text(form, "minLength") === "" ? undefined : minLength,
      requireUppercase: form.get("requireUppercase") === "on",
      requireLowercase: form.get("requireLowercase") === "on",
      requireNumber: form.get("requireNumber") === "on",
      requireSymbol: form.get("requireSymbol") === "on",
    },
    sessionTimeoutMinutes: text(form, "sessionTimeoutMinutes") === "" ? undefined : timeout,
    mfaRequired: form.get("mfaRequired") === "on",
    ipAllowList: text(form, "ipAllowList")
      .split(/[\n,]/)
      .map((entry) => entry.trim())
      .filter(Boolean),
    confirmLockout: form.get("confirmLockout") === "on",
  };
  const ip = await clientIp();
  const state = await save(form, () => updateSecuritySettings(input, { callerIp: ip === "unknown" ? null : ip }));
  const lockout = state.fieldErrors?.ipAllowList?.some((m) => m.includes("lock you out"));
  return lockout ? { ...state, lockoutWarning: true } : state;
}

export async function saveNotificationsAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  const events = Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e.key, form.get(`event_${e.key}`) === "on"]));
  const recipients = text(form, "recipients")
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  return save(form, () => updateNotificationSettings({ events, recipients }));
}

export async function saveSenderAction(_prev: SettingsFormState, form: FormData): Promise<SettingsFormState> {
  return save(form, () =>
    updateNotificationSettings({
      sender: {
        fromName: text(form, "fromName"),
        fromAddress: text(form, "fromAddress"),
        replyTo: text(form, "replyTo"),
      },
    }),
  );
}
