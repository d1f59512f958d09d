import { z } from "zod";
import { validateCidrList } from "@/lib/tenancy/ip-allow-list";

/**
 * The tenant settings API's input, one zod schema per section of the seed's
 * tenant_settings (plus the tenant's own identity columns for "general"). Every field is
 * optional in an update: a field left out keeps its value. Unknown fields are refused, so a
 * typo never silently does nothing. Error messages name the rule, the path names the field.
 */

/** Languages the UI offers; amounts and dates are formatted for them (lib/settings/format.ts). */
export const LANGUAGES = [
  { tag: "en", label: "English" },
  { tag: "en-GB", label: "English (United Kingdom)" },
  { tag: "de", label: "Deutsch" },
  { tag: "fr", label: "Français" },
  { tag: "es", label: "Español" },
  { tag: "it", label: "Italiano" },
  { tag: "nl", label: "Nederlands" },
  { tag: "pt", label: "Português" },
  { tag: "pt-BR", label: "Português (Brasil)" },
  { tag: "pl", label: "Polski" },
  { tag: "sv", label: "Svenska" },
  { tag: "da", label: "Dansk" },
  { tag: "nb", label: "Norsk bokmål" },
  { tag: "fi", label: "Suomi" },
  { tag: "ja", label: "日本語" },
  { tag: "zh-CN", label: "中文 (简体)" },
] as const;

/** Date formats offered (tenant_settings.date_format). Tokens: YYYY, MM, DD, D, MMM. */
export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "DD/MM/YYYY",
  "MM/DD/YYYY",
  "DD.MM.YYYY",
  "DD-MM-YYYY",
  "D MMM YYYY",
  "MMM D, YYYY",
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** Number formats offered (tenant_settings.number_format): the grouping and decimal marks shown. */
export const NUMBER_FORMATS = ["1,234.56", "1.234,56", "1 234,56", "1'234.56", "1234.56"] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

/** IANA time zones the runtime knows, plus "UTC" (which Intl lists under no name of its own). */
export function timeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone")];
}

/** ISO 4217 currency codes the runtime can format. */
export function currencies(): string[] {
  return Intl.supportedValuesOf("currency");
}

const zoneSet = new Set(timeZones());
const currencySet = new Set(currencies());
const languageSet = new Set<string>(LANGUAGES.map((l) => l.tag));
const regionNames = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
/** No line breaks or header-breaking characters in anything that ends up in a mail header. */
const HEADER_SAFE = /^[^\r\n<>"]*$/;

const optionalText = (max: number, label: string) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be at most ${max} characters`)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .optional();

const email = (label: string) =>
  z.string(`${label} must be text`).trim().toLowerCase().max(255).email(`${label} must be an e-mail address`);

export const generalSchema = z
  .object({
    name: z.string("name must be text").trim().min(1, "name is required").max(255).optional(),
    legalName: optionalText(255, "legalName"),
    email: email("email").optional(),
    phone: z
      .string("phone must be text")
      .trim()
      .max(50, "phone must be at most 50 characters")
      .regex(/^[0-9+()\-./ ]*$/, "phone may contain digits, spaces and + ( ) - . / only")
      .transform((value) => (value === "" ? null : value))
      .nullable()
      .optional(),
    addressLine1: optionalText(255, "addressLine1"),
    addressLine2: optionalText(255, "addressLine2"),
    city: optionalText(100, "city"),
    state: optionalText(100, "state"),
    postalCode: optionalText(20, "postalCode"),
    country: z
      .string("country must be text")
      .trim()
      .toUpperCase()
      .transform((value) => (value === "" ? null : value))
      .refine((value) => value === null || (/^[A-Z]{2}$/.test(value) && regionNames.of(value) !== undefined), {
        message: "country must be an ISO 3166-1 alpha-2 code such as US or DE",
      })
      .nullable()
      .optional(),
    taxId: optionalText(50, "taxId"),
    vatNumber: optionalText(50, "vatNumber"),
  })
  .strict();

export const localeSchema = z
  .object({
    language: z
      .string("language must be text")
      .refine((value) => languageSet.has(value), { message: "language is not one of the supported languages" })
      .optional(),
    timezone: z
      .string("timezone must be text")
      .refine((value) => zoneSet.has(value), { message: "timezone must be an IANA time zone such as Europe/Berlin" })
      .optional(),
    currency: z
      .string("currency must be text")
      .trim()
      .toUpperCase()
      .refine((value) => currencySet.has(value), { message: "currency must be an ISO 4217 code such as USD or EUR" })
      .optional(),
    dateFormat: z.enum(DATE_FORMATS, `dateFormat must be one of ${DATE_FORMATS.join(", ")}`).optional(),
    numberFormat: z.enum(NUMBER_FORMATS, `numberFormat must be one of ${NUMBER_FORMATS.join(", ")}`).optional(),
  })
  .strict();

/** Accounting modules a workspace can hide from its navigation (tenant_settings.modules_enabled). */
export const MODULES = ["customers", "invoices", "products", "projects", "reports"] as const;
export type Module = (typeof MODULES)[number];

const CUSTOM_KEY = /^[a-z][a-z0-9_]{0,49}$/;
export const MAX_CUSTOM_SETTINGS = 50;

export const workspaceSchema = z
  .object({
    /** The modules shown; an empty list means every module the plan includes. */
    modulesEnabled: z
      .array(z.enum(MODULES, `each module must be one of ${MODULES.join(", ")}`), "modulesEnabled must be a list")
      .transform((modules) => MODULES.filter((m) => modules.includes(m)))
      .optional(),
    /** Free-form key → text pairs for the workspace's own use (tenant_settings.custom_settings). */
    customSettings: z
      .record(
        z
          .string()
          .regex(CUSTOM_KEY, "keys must be lower-case letters, digits and _ (at most 50, starting with a letter)"),
        z.string("values must be text").max(500, "values must be at most 500 characters"),
        "customSettings must be an object of text values",
      )
      .refine((value) => Object.keys(value).length <= MAX_CUSTOM_SETTINGS, {
        message: `customSettings may have at most ${MAX_CUSTOM_SETTINGS} keys`,
      })
      .optional(),
  })
  .strict();

/** PUT /api/v1/tenant/settings: general, locale and workspace fields side by side. */
export const generalAndLocaleSchema = generalSchema.extend(localeSchema.shape).extend(workspaceSchema.shape).strict();
export type GeneralAndLocaleInput = z.input<typeof generalAndLocaleSchema>;

const colour = (label: string) =>
  z.string(`${label} must be text`).trim().regex(HEX_COLOUR, `${label} must be a colour like #2563eb`).toLowerCase();

export const brandingSchema = z
  .object({ primaryColor: colour("primaryColor").optional(), secondaryColor: colour("secondaryColor").optional() })
  .strict();
export type BrandingInput = z.input<typeof brandingSchema>;

export const MAX_ALLOW_LIST_ENTRIES = 100;

export const securitySchema = z
  .object({
    /** Only the rules named change; the others keep their value (lib/auth/password-policy.ts). */
    passwordPolicy: z
      .object(
        {
          minLength: z
            .number("minLength must be a number")
            .int("minLength must be a whole number")
            .min(8, "minLength must be at least 8")
            .max(128, "minLength must be at most 128")
            .optional(),
          requireUppercase: z.boolean("requireUppercase must be true or false").optional(),
          requireLowercase: z.boolean("requireLowercase must be true or false").optional(),
          requireNumber: z.boolean("requireNumber must be true or false").optional(),
          requireSymbol: z.boolean("requireSymbol must be true or false").optional(),
        },
        "passwordPolicy must be an object",
      )
      .strict()
      .optional(),
    /** Absolute session lifetime on the tenant's hosts, from 5 minutes to 30 days. */
    sessionTimeoutMinutes: z
      .number("sessionTimeoutMinutes must be a number")
      .int("sessionTimeoutMinutes must be a whole number")
      .min(5, "sessionTimeoutMinutes must be at least 5")
      .max(43_200, "sessionTimeoutMinutes must be at most 43200 (30 days)")
      .optional(),
    mfaRequired: z.boolean("mfaRequired must be true or false").optional(),
    ipAllowList: z
      .array(z.string("each ipAllowList entry must be text"), "ipAllowList must be a list of addresses")
      .max(MAX_ALLOW_LIST_ENTRIES, `ipAllowList may have at most ${MAX_ALLOW_LIST_ENTRIES} entries`)
      .superRefine((entries, ctx) => {
        for (const error of validateCidrList(entries).errors) {
          ctx.addIssue({ code: "custom", path: [error.index], message: `"${error.entry}": ${error.reason}` });
        }
      })
      .transform((entries) => [...new Set(entries.map((e) => e.trim()))])
      .optional(),
    /** Saves an allow-list that excludes the caller's own address (they will lose access). */
    confirmLockout: z.boolean("confirmLockout must be true or false").optional(),
  })
  .strict();
export type SecurityInput = z.input<typeof securitySchema>;

/** tenant_settings.notification_settings: which e-mails the workspace sends, and to whom. */
export const NOTIFICATION_EVENTS = [
  { key: "invoice_sent", label: "An invoice is sent to a customer" },
  { key: "invoice_paid", label: "An invoice is marked paid" },
  { key: "invoice_overdue", label: "An invoice becomes overdue" },
  { key: "member_joined", label: "A new member joins the workspace" },
  { key: "quota_warning", label: "Usage reaches 80 % of a plan limit" },
  { key: "weekly_summary", label: "Weekly summary of the books" },
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number]["key"];

export const NOTIFICATION_DEFAULTS: Record<NotificationEvent, boolean> = {
  invoice_sent: false,
  invoice_paid: true,
  invoice_overdue: true,
  member_joined: true,
  quota_warning: true,
  weekly_summary: false,
};

const eventsShape = Object.fromEntries(
  NOTIFICATION_EVENTS.map((e) => [e.key, z.boolean(`${e.key} must be true or false`).optional()]),
) as Record<NotificationEvent, z.ZodOptional<z.ZodBoolean>>;

export const notificationSettingsSchema = z
  .object({
    events: z.object(eventsShape).strict().optional(),
    /** Who receives the workspace's notices besides its owners and admins. */
    recipients: z
      .array(email("each recipient"), "recipients must be a list of e-mail addresses")
      .max(20, "recipients may have at most 20 addresses")
      .optional(),
  })
  .strict();

const senderName = z
  .string("fromName must be text")
  .trim()
  .max(255, "fromName must be at most 255 characters")
  .regex(HEADER_SAFE, 'fromName may not contain line breaks, <, > or "')
  .transform((value) => (value === "" ? null : value))
  .nullable()
  .optional();

const optionalEmail = (label: string) =>
  z
    .union([z.literal(""), email(label)], `${label} must be an e-mail address`)
    .transform((value) => (value === "" ? null : value))
    .nullable()
    .optional();

export const senderSchema = z
  .object({ fromName: senderName, fromAddress: optionalEmail("fromAddress"), replyTo: optionalEmail("replyTo") })
  .strict();

/** PUT /api/v1/tenant/settings/notifications: the notification preferences and the e-mail sender. */
export const notificationsUpdateSchema = notificationSettingsSchema
  .extend({ sender: senderSchema.optional() })
  .strict();
export type NotificationsInput = z.input<typeof notificationsUpdateSchema>;

export interface NotificationSettings {
  events: Record<NotificationEvent, boolean>;
  recipients: string[];
}

/** The stored JSON read leniently: unknown or malformed parts fall back to the defaults. */
export function parseNotificationSettings(raw: unknown): NotificationSettings {
  const parsed = notificationSettingsSchema.safeParse(raw ?? {});
  const value = parsed.success ? parsed.data : {};
  return { events: { ...NOTIFICATION_DEFAULTS, ...value.events }, recipients: value.recipients ?? [] };
}
