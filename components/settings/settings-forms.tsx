"use client";

import { useActionState, type ReactNode } from "react";
import { FormMessage, SelectInput, SubmitButton, TextArea, TextInput } from "@/components/accounting/fields";
import {
  saveGeneralAction,
  saveLocaleAction,
  saveNotificationsAction,
  saveSecurityAction,
  saveSenderAction,
  saveWorkspaceAction,
  type SettingsFormState,
} from "@/lib/settings/actions";
import type { TenantSettingsView } from "@/lib/settings/settings";

type Action = (prev: SettingsFormState, form: FormData) => Promise<SettingsFormState>;

/** One settings section: a form, its fields' errors, and "Saved." when it went through. */
export function Section({
  id,
  title,
  description,
  action,
  submit,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  action: Action;
  submit: string;
  children: (state: SettingsFormState, value: (name: string, fallback: string) => string) => ReactNode;
}) {
  const [state, formAction, pending] = useActionState<SettingsFormState, FormData>(action, {});
  const value = (name: string, fallback: string) => state.values?.[name] ?? fallback;
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="rounded-xl border border-slate-200 bg-white p-6">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      <form action={formAction} className="mt-4 space-y-4" aria-label={title}>
        {children(state, value)}
        <FormMessage message={state.error} />
        <div className="flex items-center gap-3">
          <SubmitButton pending={pending}>{submit}</SubmitButton>
          {state.ok && (
            <span role="status" className="text-sm text-green-800" data-testid={`${id}-saved`}>
              {state.message}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

export function Checkbox({ label, name, defaultChecked }: { label: string; name: string; defaultChecked: boolean }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" name={name} defaultChecked={defaultChecked} className="h-4 w-4" />
      <span>{label}</span>
    </label>
  );
}

const checked = (state: SettingsFormState, name: string, saved: boolean) =>
  state.values ? state.values[name] === "on" : saved;

export function GeneralForm({ general }: { general: TenantSettingsView["general"] }) {
  const fields: [keyof typeof general, string, string?][] = [
    ["name", "Workspace name"],
    ["legalName", "Legal name"],
    ["email", "Contact e-mail", "email"],
    ["phone", "Phone"],
    ["addressLine1", "Address line 1"],
    ["addressLine2", "Address line 2"],
    ["city", "City"],
    ["state", "State or region"],
    ["postalCode", "Postal code"],
    ["country", "Country (ISO code, e.g. US)"],
    ["taxId", "Tax ID"],
    ["vatNumber", "VAT number"],
  ];
  return (
    <Section
      id="general"
      title="General"
      description="The company behind this workspace."
      action={saveGeneralAction}
      submit="Save general settings"
    >
      {(state, value) => (
        <div className="grid gap-4 sm:grid-cols-2">
          {fields.map(([name, label, type]) => (
            <TextInput
              key={name}
              label={label}
              name={name}
              type={type}
              defaultValue={value(name, general[name] ?? "")}
              errors={state.fieldErrors?.[name]}
            />
          ))}
        </div>
      )}
    </Section>
  );
}

export function LocaleForm({
  locale,
  options,
}: {
  locale: TenantSettingsView["locale"];
  options: {
    languages: { value: string; label: string }[];
    timezones: string[];
    currencies: string[];
    dateFormats: { value: string; label: string }[];
    numberFormats: { value: string; label: string }[];
  };
}) {
  return (
    <Section
      id="locale"
      title="Locale"
      description="How amounts and dates are shown throughout the workspace."
      action={saveLocaleAction}
      submit="Save locale"
    >
      {(state, value) => (
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectInput
            label="Language"
            name="language"
            defaultValue={value("language", locale.language)}
            errors={state.fieldErrors?.language}
            options={options.languages}
          />
          <SelectInput
            label="Time zone"
            name="timezone"
            defaultValue={value("timezone", locale.timezone)}
            errors={state.fieldErrors?.timezone}
            options={options.timezones.map((z) => ({ value: z, label: z }))}
          />
          <SelectInput
            label="Currency"
            name="currency"
            defaultValue={value("currency", locale.currency)}
            errors={state.fieldErrors?.currency}
            options={options.currencies.map((c) => ({ value: c, label: c }))}
          />
          <SelectInput
            label="Date format"
            name="dateFormat"
            defaultValue={value("dateFormat", locale.dateFormat)}
            errors={state.fieldErrors?.dateFormat}
            options={options.dateFormats}
          />
          <SelectInput
            label="Number format"
            name="numberFormat"
            defaultValue={value("numberFormat", locale.numberFormat)}
            errors={state.fieldErrors?.numberFormat}
            options={options.numberFormats}
          />
        </div>
      )}
    </Section>
  );
}

export function WorkspaceForm({
  workspace,
  modules,
}: {
  workspace: TenantSettingsView["workspace"];
  modules: { value: string; label: string }[];
}) {
  const custom = Object.entries(workspace.customSettings)
    .map(([k, v]) => `${k} = ${v}`)
    .join("\n");
  return (
    <Section id="workspace" title="Modules and custom settings" action={saveWorkspaceAction} submit="Save modules">
      {(state, value) => {
        const submittedModules = state.values?.modules?.split("\n");
        return (
          <>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-700">Modules shown in the navigation</legend>
              {modules.map((m) => (
                <Checkbox
                  key={m.value}
                  name="modules"
                  label={m.label}
                  defaultChecked={
                    submittedModules
                      ? submittedModules.includes(m.value)
                      : workspace.modulesEnabled.length === 0 || workspace.modulesEnabled.includes(m.value as never)
                  }
                />
              ))}
              {state.fieldErrors?.modulesEnabled && (
                <span role="alert" className="block text-sm text-red-700">
                  {state.fieldErrors.modulesEnabled.join(" ")}
                </span>
              )}
            </fieldset>
            <TextArea
              label="Custom settings (one key = value per line)"
              name="customSettings"
              defaultValue={value("customSettings", custom)}
              errors={state.fieldErrors?.customSettings}
            />
          </>
        );
      }}
    </Section>
  );
}

export function SecurityForm({
  security,
  callerIp,
}: {
  security: TenantSettingsView["security"];
  callerIp: string | null;
}) {
  const policy = security.passwordPolicy;
  return (
    <Section
      id="security"
      title="Security"
      description="Password rules for new passwords, how long a sign-in lasts, two-step sign-in and which networks may reach the workspace."
      action={saveSecurityAction}
      submit="Save security settings"
    >
      {(state, value) => (
        <>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextInput
              label="Minimum password length"
              name="minLength"
              type="number"
              defaultValue={value("minLength", String(policy.minLength))}
              errors={state.fieldErrors?.passwordPolicy}
            />
            <TextInput
              label="Session timeout (minutes)"
              name="sessionTimeoutMinutes"
              type="number"
              defaultValue={value("sessionTimeoutMinutes", String(security.sessionTimeoutMinutes))}
              errors={state.fieldErrors?.sessionTimeoutMinutes}
            />
          </div>
          <fieldset className="grid gap-2 sm:grid-cols-2">
            <legend className="mb-1 text-sm font-medium text-slate-700">Passwords must contain</legend>
            <Checkbox
              label="An upper-case letter"
              name="requireUppercase"
              defaultChecked={checked(state, "requireUppercase", policy.requireUppercase)}
            />
            <Checkbox
              label="A lower-case letter"
              name="requireLowercase"
              defaultChecked={checked(state, "requireLowercase", policy.requireLowercase)}
            />
            <Checkbox
              label="A digit"
              name="requireNumber"
              defaultChecked={checked(state, "requireNumber", policy.requireNumber)}
            />
            <Checkbox
              label="A symbol"
              name="requireSymbol"
              defaultChecked={checked(state, "requireSymbol", policy.requireSymbol)}
            />
          </fieldset>
          <Checkbox
            label="Require two-step sign-in for every member"
            name="mfaRequired"
            defaultChecked={checked(state, "mfaRequired", security.mfaRequired)}
          />
          <TextArea
            label="IP allow-list (addresses or CIDR ranges, one per line; empty = everyone)"
            name="ipAllowList"
            defaultValue={value("ipAllowList", security.ipAllowList.join("\n"))}
            errors={state.fieldErrors?.ipAllowList}
          />
          <p className="text-xs text-slate-500">Your address as the workspace sees it: {callerIp ?? "unknown"}</p>
          {state.lockoutWarning && (
            <div
              role="alert"
              className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm"
              data-testid="lockout-warning"
            >
              <p className="font-medium">This list would lock you out.</p>
              <Checkbox label="I understand: save it anyway" name="confirmLockout" defaultChecked={false} />
            </div>
          )}
        </>
      )}
    </Section>
  );
}

export function NotificationsForm({
  notifications,
  events,
}: {
  notifications: TenantSettingsView["notifications"];
  events: { key: string; label: string }[];
}) {
  return (
    <Section
      id="notifications"
      title="Notifications"
      description="Which e-mails the workspace sends to its owners and admins."
      action={saveNotificationsAction}
      submit="Save notifications"
    >
      {(state, value) => (
        <>
          <fieldset className="space-y-2">
            {events.map((e) => (
              <Checkbox
                key={e.key}
                name={`event_${e.key}`}
                label={e.label}
                defaultChecked={checked(
                  state,
                  `event_${e.key}`,
                  notifications.events[e.key as keyof typeof notifications.events],
                )}
              />
            ))}
          </fieldset>
          <TextArea
            label="Also send to (e-mail addresses, one per line)"
            name="recipients"
            defaultValue={value("recipients", notifications.recipients.join("\n"))}
            errors={state.fieldErrors?.recipients}
          />
        </>
      )}
    </Section>
  );
}

export function SenderForm({ sender }: { sender: TenantSettingsView["sender"] }) {
  return (
    <Section
      id="sender"
      title="E-mail sender"
      description="The name and address the workspace's e-mails come from, and where replies go. Leave empty for the platform's sender."
      action={saveSenderAction}
      submit="Save sender"
    >
      {(state, value) => (
        <div className="grid gap-4 sm:grid-cols-3">
          <TextInput
            label="From name"
            name="fromName"
            defaultValue={value("fromName", sender.fromName ?? "")}
            errors={state.fieldErrors?.fromName}
          />
          <TextInput
            label="From address"
            name="fromAddress"
            type="email"
            defaultValue={value("fromAddress", sender.fromAddress ?? "")}
            errors={state.fieldErrors?.fromAddress}
          />
          <TextInput
            label="Reply-to"
            name="replyTo"
            type="email"
            defaultValue={value("replyTo", sender.replyTo ?? "")}
            errors={state.fieldErrors?.replyTo}
          />
        </div>
      )}
    </Section>
  );
}
