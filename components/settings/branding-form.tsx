"use client";

import { useActionState, useState } from "react";
import { FormMessage, SubmitButton } from "@/components/accounting/fields";
import { saveBrandingColoursAction, saveBrandingFileAction, type SettingsFormState } from "@/lib/settings/actions";
import type { TenantSettingsView } from "@/lib/settings/settings";

const HEX = /^#[0-9a-fA-F]{6}$/;

/** Colours with a live preview of the workspace header; the preview follows every keystroke. */
export function BrandingForm({
  branding,
  tenantName,
  files,
}: {
  branding: TenantSettingsView["branding"];
  tenantName: string;
  files: { slug: string; label: string; url: string | null; accept: string; hint: string }[];
}) {
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(saveBrandingColoursAction, {});
  const [primary, setPrimary] = useState(state.values?.primaryColor ?? branding.primaryColor);
  const [secondary, setSecondary] = useState(state.values?.secondaryColor ?? branding.secondaryColor);
  const shown = (colour: string, fallback: string) => (HEX.test(colour) ? colour : fallback);
  const logo = branding.logoDarkUrl ?? branding.logoUrl;
  return (
    <section id="branding" aria-labelledby="branding-title" className="rounded-xl border border-slate-200 bg-white p-6">
      <h2 id="branding-title" className="text-lg font-semibold">
        Branding
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Colours, logo and favicon of every page and e-mail of the workspace.
      </p>
      <div className="mt-4 grid gap-6 lg:grid-cols-2">
        <form action={action} className="space-y-4" aria-label="Branding colours">
          <ColourField
            label="Primary colour"
            name="primaryColor"
            value={primary}
            onChange={setPrimary}
            errors={state.fieldErrors?.primaryColor}
          />
          <ColourField
            label="Secondary colour"
            name="secondaryColor"
            value={secondary}
            onChange={setSecondary}
            errors={state.fieldErrors?.secondaryColor}
          />
          <FormMessage message={state.error} />
          <div className="flex items-center gap-3">
            <SubmitButton pending={pending}>Save colours</SubmitButton>
            {state.ok && (
              <span role="status" className="text-sm text-green-800" data-testid="branding-saved">
                {state.message}
              </span>
            )}
          </div>
        </form>
        <div
          aria-label="Preview"
          data-testid="branding-preview"
          className="overflow-hidden rounded-xl border border-slate-200"
        >
          <div
            className="flex items-center gap-3 px-4 py-3 text-white"
            style={{ background: shown(primary, branding.primaryColor) }}
          >
            {logo ? (
              // eslint-disable-next-line @next/next/no-img-element -- the tenant's own uploaded file
              <img src={logo} alt="" className="h-7 w-auto" />
            ) : (
              <span
                className="flex h-7 w-7 items-center justify-center rounded-md font-bold"
                style={{ background: shown(secondary, branding.secondaryColor) }}
              >
                {tenantName.charAt(0)}
              </span>
            )}
            <span className="font-semibold">{tenantName}</span>
          </div>
          <div className="space-y-3 bg-slate-50 p-4">
            <div
              className="rounded-lg border-t-4 bg-white p-3 text-sm shadow-sm"
              style={{ borderColor: shown(primary, branding.primaryColor) }}
            >
              Outstanding <strong className="block text-lg">$1,234.56</strong>
            </div>
            <span
              className="inline-block rounded-lg px-3 py-1.5 text-sm font-semibold text-white"
              style={{ background: shown(primary, branding.primaryColor) }}
            >
              Button
            </span>{" "}
            <span
              className="inline-block rounded-full px-3 py-1 text-xs text-white"
              style={{ background: shown(secondary, branding.secondaryColor) }}
            >
              Badge
            </span>
          </div>
        </div>
      </div>
      <div className="mt-6 grid gap-4 md:grid-cols-3">
        {files.map((file) => (
          <BrandingFile key={file.slug} {...file} />
        ))}
      </div>
    </section>
  );
}

function ColourField({
  label,
  name,
  value,
  onChange,
  errors,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
}) {
  return (
    <div className="text-sm">
      <label htmlFor={`${name}-input`} className="block font-medium text-slate-700">
        {label}
      </label>
      <span className="mt-1 flex items-center gap-2">
        <input
          type="color"
          aria-label={`${label} picker`}
          value={HEX.test(value) ? value.toLowerCase() : "#000000"}
          onChange={(e) => onChange(e.target.value)}
          className="h-9 w-12 rounded border border-slate-300"
        />
        <input
          id={`${name}-input`}
          name={name}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder="#2563eb"
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? `${name}-error` : undefined}
          className="block w-full rounded-lg border border-slate-300 px-3 py-2 font-mono shadow-sm aria-invalid:border-red-600"
        />
      </span>
      {errors?.length ? (
        <span id={`${name}-error`} role="alert" className="mt-1 block text-red-700" data-field-error={name}>
          {errors.join(" ")}
        </span>
      ) : null}
    </div>
  );
}

function BrandingFile({
  slug,
  label,
  url,
  accept,
  hint,
}: {
  slug: string;
  label: string;
  url: string | null;
  accept: string;
  hint: string;
}) {
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(saveBrandingFileAction, {});
  return (
    <form action={action} className="space-y-2 rounded-lg border border-slate-200 p-4 text-sm" aria-label={label}>
      <input type="hidden" name="asset" value={slug} />
      <p className="font-medium text-slate-700">{label}</p>
      <div className="flex h-16 items-center justify-center rounded bg-slate-100">
        {url ? (
          // eslint-disable-next-line @next/next/no-img-element -- the tenant's own uploaded file
          <img
            src={url}
            alt={`Current ${label.toLowerCase()}`}
            className="max-h-12 w-auto"
            data-testid={`current-${slug}`}
          />
        ) : (
          <span className="text-slate-400">none</span>
        )}
      </div>
      <label className="block">
        <span className="sr-only">{label} file</span>
        <input type="file" name="file" accept={accept} className="block w-full text-xs" aria-label={`${label} file`} />
      </label>
      <span className="block text-xs text-slate-500">{hint}</span>
      {state.fieldErrors?.file && (
        <span role="alert" className="block text-red-700" data-field-error="file">
          {state.fieldErrors.file.join(" ")}
        </span>
      )}
      {state.error && !state.fieldErrors && (
        <span role="alert" className="block text-red-700">
          {state.error}
        </span>
      )}
      {state.ok && (
        <span role="status" className="block text-green-800">
          {state.message}
        </span>
      )}
      <div className="flex gap-2">
        <button
          disabled={pending}
          className="bg-brand rounded-lg px-3 py-1.5 font-medium text-white disabled:opacity-60"
        >
          {pending ? "Uploading…" : "Upload"}
        </button>
        {url && (
          <button name="remove" value="1" disabled={pending} className="rounded-lg border border-slate-300 px-3 py-1.5">
            Remove
          </button>
        )}
      </div>
    </form>
  );
}
