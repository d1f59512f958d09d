import { parsePasswordPolicy, passwordPolicySchema, type PasswordPolicy } from "@/lib/auth/password-policy";
import { controlDb } from "@/lib/db/control";
import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { currentTenant } from "@/lib/tenancy/context";
import { tenantDirectory } from "@/lib/tenancy/directory-instance";
import { isIpAllowed } from "@/lib/tenancy/ip-allow-list";
import { auditSettingsChange, changedFields } from "./audit";
import {
  brandingSchema,
  generalAndLocaleSchema,
  MODULES,
  notificationsUpdateSchema,
  parseNotificationSettings,
  securitySchema,
  type BrandingInput,
  type DateFormat,
  type GeneralAndLocaleInput,
  type Module,
  type NotificationSettings,
  type NotificationsInput,
  type NumberFormat,
  type SecurityInput,
} from "./schemas";

/**
 * The tenant's settings (seed table tenant_settings, plus the identity columns of
 * `tenants` for "general"), read and changed section by section. Every function works on
 * the tenant of the current context; the caller (tenantRoute or a server action) has
 * checked the role. A change is validated as a whole (every bad field named at once),
 * saved, written to the tenant's audit trail with before/after, and the tenant's cache
 * entries are invalidated so the proxy and every page see it on the next request.
 */

export interface GeneralSettings {
  name: string;
  legalName: string | null;
  email: string;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  taxId: string | null;
  vatNumber: string | null;
}

export interface LocaleSettings {
  language: string;
  timezone: string;
  currency: string;
  dateFormat: DateFormat;
  numberFormat: NumberFormat;
}

export interface WorkspaceSettings {
  /** Modules shown in the navigation; empty means all the plan includes. */
  modulesEnabled: Module[];
  customSettings: Record<string, string>;
  /** Read-only: plan features come from the plan and platform overrides (tenant_features). */
  featuresEnabled: Record<string, unknown>;
}

export interface BrandingSettings {
  primaryColor: string;
  secondaryColor: string;
  logoUrl: string | null;
  logoDarkUrl: string | null;
  faviconUrl: string | null;
}

export interface SecuritySettings {
  passwordPolicy: PasswordPolicy;
  sessionTimeoutMinutes: number;
  mfaRequired: boolean;
  ipAllowList: string[];
}

export interface SenderSettings {
  fromName: string | null;
  fromAddress: string | null;
  replyTo: string | null;
}

export interface TenantSettingsView {
  general: GeneralSettings;
  locale: LocaleSettings;
  workspace: WorkspaceSettings;
  branding: BrandingSettings;
  security: SecuritySettings;
  notifications: NotificationSettings;
  sender: SenderSettings;
  updatedAt: string;
}

type Control = Awaited<ReturnType<typeof controlDb>>;

async function loadRows(db: Control, tenantId: string) {
  const tenant = await db.tenant.findUnique({ where: { id: tenantId } });
  if (!tenant) throw new NotFoundError("Workspace");
  // Provisioning creates the row; a tenant made before that step still gets its defaults.
  const settings = await db.tenantSettings.upsert({ where: { tenantId }, create: { tenantId }, update: {} });
  return { tenant, settings };
}

type Rows = Awaited<ReturnType<typeof loadRows>>;

function objectOf(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function toView({ tenant, settings }: Rows): TenantSettingsView {
  const custom: Record<string, string> = {};
  for (const [key, value] of Object.entries(objectOf(settings.customSettings))) {
    if (typeof value === "string") custom[key] = value;
  }
  return {
    general: {
      name: tenant.name,
      legalName: tenant.legalName,
      email: tenant.email,
      phone: tenant.phone,
      addressLine1: tenant.addressLine1,
      addressLine2: tenant.addressLine2,
      city: tenant.city,
      state: tenant.state,
      postalCode: tenant.postalCode,
      country: tenant.country,
      taxId: tenant.taxId,
      vatNumber: tenant.vatNumber,
    },
    locale: {
      language: settings.defaultLanguage,
      timezone: settings.defaultTimezone,
      currency: settings.defaultCurrency,
      dateFormat: settings.dateFormat as DateFormat,
      numberFormat: settings.numberFormat as NumberFormat,
    },
    workspace: {
      modulesEnabled: MODULES.filter((m) => settings.modulesEnabled.includes(m)),
      customSettings: custom,
      featuresEnabled: objectOf(settings.featuresEnabled),
    },
    branding: {
      primaryColor: settings.primaryColor,
      secondaryColor: settings.secondaryColor,
      logoUrl: settings.logoUrl,
      logoDarkUrl: settings.logoDarkUrl,
      faviconUrl: settings.faviconUrl,
    },
    security: {
      passwordPolicy: parsePasswordPolicy(settings.passwordPolicy),
      sessionTimeoutMinutes: settings.sessionTimeoutMinutes,
      mfaRequired: settings.mfaRequired,
      ipAllowList: settings.ipWhitelist,
    },
    notifications: parseNotificationSettings(settings.notificationSettings),
    sender: {
      fromName: settings.emailFromName,
      fromAddress: settings.emailFromAddress,
      replyTo: settings.emailReplyTo,
    },
    updatedAt: settings.updatedAt.toISOString(),
  };
}

/** The settings of a tenant by id (mail branding and other services outside a request). */
export async function settingsOf(tenantId: string): Promise<TenantSettingsView> {
  return toView(await loadRows(await controlDb(), tenantId));
}

/** GET /api/v1/tenant/settings: every section. */
export function getSettings(): Promise<TenantSettingsView> {
  return settingsOf(currentTenant().id);
}

async function finish<T extends object>(action: string, before: T, after: T, tenantId: string): Promise<void> {
  await tenantDirectory().invalidateTenant(tenantId);
  const diff = changedFields(before, after);
  if (Object.keys(diff.after).length) await auditSettingsChange(action, diff.before, diff.after);
}

/** PUT /api/v1/tenant/settings: general (identity, contact, address, tax ids), locale and modules. */
export async function updateGeneralSettings(
  input: GeneralAndLocaleInput | Record<string, unknown>,
): Promise<TenantSettingsView> {
  const data = generalAndLocaleSchema.parse(input);
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const before = toView(await loadRows(db, tenantId));
  const { language, timezone, currency, dateFormat, numberFormat, modulesEnabled, customSettings, ...general } = data;
  await db.$transaction([
    db.tenant.update({ where: { id: tenantId }, data: general }),
    db.tenantSettings.update({
      where: { tenantId },
      data: {
        defaultLanguage: language,
        defaultTimezone: timezone,
        defaultCurrency: currency,
        dateFormat,
        numberFormat,
        modulesEnabled,
        customSettings,
      },
    }),
  ]);
  const after = toView(await loadRows(db, tenantId));
  await finish(
    "settings.general_updated",
    { ...before.general, ...before.locale, ...before.workspace },
    { ...after.general, ...after.locale, ...after.workspace },
    tenantId,
  );
  return after;
}

/** PUT /api/v1/tenant/settings/branding: the colours (files go through lib/settings/assets.ts). */
export async function updateBrandingSettings(
  input: BrandingInput | Record<string, unknown>,
): Promise<TenantSettingsView> {
  const data = brandingSchema.parse(input);
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const before = toView(await loadRows(db, tenantId));
  await db.tenantSettings.update({ where: { tenantId }, data });
  const after = toView(await loadRows(db, tenantId));
  await finish("settings.branding_updated", before.branding, after.branding, tenantId);
  return after;
}

export interface SecurityUpdateOptions {
  /** The address of the request making the change, as the proxy's allow-list sees it. */
  callerIp: string | null;
}

/**
 * PUT /api/v1/tenant/settings/security. An IP allow-list that would shut out the very
 * address making the change is refused (422 on ipAllowList, naming the address) unless the
 * request says `confirmLockout: true`: an admin never locks themselves out by accident.
 */
export async function updateSecuritySettings(
  input: SecurityInput | Record<string, unknown>,
  { callerIp }: SecurityUpdateOptions,
): Promise<TenantSettingsView> {
  const { confirmLockout, passwordPolicy, ipAllowList, ...rest } = securitySchema.parse(input);
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const before = toView(await loadRows(db, tenantId));
  if (ipAllowList && ipAllowList.length > 0 && !isIpAllowed(callerIp, ipAllowList) && confirmLockout !== true) {
    const who = callerIp ? `your address ${callerIp}` : "your address (unknown to the server)";
    throw new ValidationError([
      {
        field: "ipAllowList",
        message:
          `This list does not include ${who}: saving it would lock you out of this workspace. ` +
          "Add your address, or confirm (confirmLockout: true) to save it anyway.",
      },
    ]);
  }
  const policy = passwordPolicy
    ? passwordPolicySchema.parse({ ...before.security.passwordPolicy, ...passwordPolicy })
    : undefined;
  await db.tenantSettings.update({
    where: { tenantId },
    data: {
      ...rest,
      ...(policy ? { passwordPolicy: policy } : {}),
      ...(ipAllowList ? { ipWhitelist: ipAllowList } : {}),
    },
  });
  const after = toView(await loadRows(db, tenantId));
  await finish("settings.security_updated", before.security, after.security, tenantId);
  return after;
}

/** PUT /api/v1/tenant/settings/notifications: notification preferences and the e-mail sender. */
export async function updateNotificationSettings(
  input: NotificationsInput | Record<string, unknown>,
): Promise<TenantSettingsView> {
  const { sender, events, recipients } = notificationsUpdateSchema.parse(input);
  const tenantId = currentTenant().id;
  const db = await controlDb();
  const before = toView(await loadRows(db, tenantId));
  const notifications: NotificationSettings = {
    events: { ...before.notifications.events, ...events },
    recipients: recipients ?? before.notifications.recipients,
  };
  await db.tenantSettings.update({
    where: { tenantId },
    data: {
      notificationSettings: { events: notifications.events, recipients: notifications.recipients },
      ...(sender
        ? { emailFromName: sender.fromName, emailFromAddress: sender.fromAddress, emailReplyTo: sender.replyTo }
        : {}),
    },
  });
  const after = toView(await loadRows(db, tenantId));
  await finish(
    "settings.notifications_updated",
    { ...before.notifications, sender: before.sender },
    { ...after.notifications, sender: after.sender },
    tenantId,
  );
  return after;
}

/** The notification preferences of a tenant, for services that send notices (quotas, invoices, team). */
export async function notificationPreferences(tenantId: string): Promise<NotificationSettings> {
  const db = await controlDb();
  const row = await db.tenantSettings.findUnique({ where: { tenantId }, select: { notificationSettings: true } });
  return parseNotificationSettings(row?.notificationSettings);
}
