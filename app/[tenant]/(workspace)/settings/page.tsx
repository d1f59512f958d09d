import Link from "next/link";
import { BrandingForm } from "@/components/settings/branding-form";
import {
  GeneralForm,
  LocaleForm,
  NotificationsForm,
  SecurityForm,
  SenderForm,
  WorkspaceForm,
} from "@/components/settings/settings-forms";
import { clientIp } from "@/lib/auth/host-scope";
import { memberForPage } from "@/lib/auth/session";
import { formatBytes, MAX_ASSET_BYTES } from "@/lib/settings/assets";
import {
  currencies,
  DATE_FORMATS,
  LANGUAGES,
  MODULES,
  NOTIFICATION_EVENTS,
  NUMBER_FORMATS,
  timeZones,
} from "@/lib/settings/schemas";
import { formatDate } from "@/lib/settings/format";
import { settingsOf } from "@/lib/settings/settings";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Settings" };

const MODULE_LABELS: Record<(typeof MODULES)[number], string> = {
  customers: "Customers",
  invoices: "Invoices",
  products: "Products",
  projects: "Projects",
  reports: "Reports",
};

/** The workspace's settings, section by section (owners and admins; docs/settings-and-branding.md). */
export default async function SettingsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const member = await memberForPage(tenant);
  if (!member) return null;
  const allowed = member.role === "owner" || member.role === "admin";
  if (!allowed) {
    return (
      <main className="mx-auto max-w-4xl px-6 py-10">
        <h1 className="text-2xl font-bold">Settings</h1>
        <p className="mt-4 text-slate-600" data-testid="settings-forbidden">
          Only owners and admins change the workspace&apos;s settings.{" "}
          <Link href="/account/security" className="underline">
            Your own sign-in security
          </Link>
        </p>
      </main>
    );
  }
  const settings = await settingsOf(tenant.id);
  const ip = await clientIp();
  const sample = new Date();
  return (
    <main className="mx-auto max-w-5xl px-6 py-10">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-2xl font-bold">Settings</h1>
        <nav aria-label="Settings pages" className="flex gap-4 text-sm">
          <a href="#general">General</a>
          <a href="#locale">Locale</a>
          <a href="#branding">Branding</a>
          <a href="#security">Security</a>
          <a href="#notifications">Notifications</a>
          <a href="#sender">Sender</a>
          <Link href="/settings/api-keys" className="font-medium">
            API keys
          </Link>
          <Link href="/settings/integrations" className="font-medium">
            Integrations
          </Link>
          <Link href="/account/security" className="font-medium">
            My two-step sign-in
          </Link>
        </nav>
      </div>
      <div className="mt-6 space-y-6">
        <GeneralForm general={settings.general} />
        <LocaleForm
          locale={settings.locale}
          options={{
            languages: LANGUAGES.map((l) => ({ value: l.tag, label: l.label })),
            timezones: timeZones(),
            currencies: currencies(),
            dateFormats: DATE_FORMATS.map((f) => ({
              value: f,
              label: `${f} (${formatDate(sample, { ...settings.locale, dateFormat: f })})`,
            })),
            numberFormats: NUMBER_FORMATS.map((f) => ({ value: f, label: f })),
          }}
        />
        <WorkspaceForm
          workspace={settings.workspace}
          modules={MODULES.map((m) => ({ value: m, label: MODULE_LABELS[m] }))}
        />
        <BrandingForm
          branding={settings.branding}
          tenantName={settings.general.name}
          files={[
            {
              slug: "logo",
              label: "Logo",
              url: settings.branding.logoUrl,
              accept: "image/png,image/jpeg,image/webp",
              hint: `PNG, JPEG or WebP, at most ${formatBytes(MAX_ASSET_BYTES.logo)}. Shown on light backgrounds.`,
            },
            {
              slug: "logo-dark",
              label: "Logo for dark backgrounds",
              url: settings.branding.logoDarkUrl,
              accept: "image/png,image/jpeg,image/webp",
              hint: `PNG, JPEG or WebP, at most ${formatBytes(MAX_ASSET_BYTES.logo_dark)}. Shown in the coloured header.`,
            },
            {
              slug: "favicon",
              label: "Favicon",
              url: settings.branding.faviconUrl,
              accept: "image/png,image/x-icon,.ico",
              hint: `PNG or ICO, at most ${formatBytes(MAX_ASSET_BYTES.favicon)}.`,
            },
          ]}
        />
        <SecurityForm security={settings.security} callerIp={ip === "unknown" ? null : ip} />
        <NotificationsForm notifications={settings.notifications} events={NOTIFICATION_EVENTS.map((e) => ({ ...e }))} />
        <SenderForm sender={settings.sender} />
      </div>
    </main>
  );
}
