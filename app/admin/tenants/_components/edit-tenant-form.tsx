"use client";

import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { updateTenantAction, type AdminFormState } from "../../_lib/actions";
import { FormMessage, SelectField } from "./select-field";

export interface EditableTenant {
  id: string;
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
  tier: string;
  isolationLevel: string;
}

const TEXT_FIELDS: [keyof EditableTenant, string][] = [
  ["name", "Workspace name"],
  ["legalName", "Legal name"],
  ["email", "Contact e-mail"],
  ["phone", "Phone"],
  ["addressLine1", "Address line 1"],
  ["addressLine2", "Address line 2"],
  ["city", "City"],
  ["state", "State / region"],
  ["postalCode", "Postal code"],
  ["country", "Country (ISO code)"],
  ["taxId", "Tax id"],
  ["vatNumber", "VAT number"],
];

export function EditTenantForm({ tenant, plans }: { tenant: EditableTenant; plans: { tier: string; name: string }[] }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(updateTenantAction, {});
  const v = state.values;
  const e = state.fieldErrors ?? {};
  const value = (key: keyof EditableTenant) => v?.[key] ?? tenant[key] ?? "";
  return (
    <form action={action} className="mt-4 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Edit tenant">
      <input type="hidden" name="id" value={tenant.id} />
      <div className="grid gap-4 sm:grid-cols-2">
        {TEXT_FIELDS.map(([name, label]) => (
          <Field key={name} label={label} name={name} defaultValue={value(name)} errors={e[name]} />
        ))}
        <SelectField
          label="Plan"
          name="tier"
          defaultValue={value("tier")}
          errors={e.tier}
          options={plans.map((p) => ({ value: p.tier, label: `${p.name} (${p.tier})` }))}
        />
        <SelectField
          label="Isolation level"
          name="isolationLevel"
          defaultValue={value("isolationLevel")}
          errors={e.isolationLevel}
          options={[
            { value: "shared_database", label: "Shared database" },
            { value: "schema", label: "Own schema" },
            { value: "database", label: "Own database" },
          ]}
        />
        <p className="text-xs text-slate-500 sm:col-span-2">
          Changing the isolation level moves the tenant&apos;s data: suspend the tenant first, save, then activate it.
        </p>
      </div>
      <FormMessage message={state.message} ok={state.ok} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending ? "Saving…" : "Save changes"}
      </button>
    </form>
  );
}
