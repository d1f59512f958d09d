"use client";

import { useActionState } from "react";
import { Field } from "@/components/auth/field";
import { createTenantAction, type AdminFormState } from "../../_lib/actions";
import { FormMessage, SelectField } from "./select-field";

export function CreateTenantForm({ plans }: { plans: { tier: string; name: string }[] }) {
  const [state, action, pending] = useActionState<AdminFormState, FormData>(createTenantAction, {});
  const v = state.values ?? {};
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="mt-6 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Create a tenant">
      <Field label="Workspace name" name="name" defaultValue={v.name} errors={e.name} />
      <Field label="Slug" name="slug" defaultValue={v.slug} errors={e.slug} />
      <SelectField
        label="Plan"
        name="tier"
        defaultValue={v.tier ?? "free"}
        errors={e.tier}
        options={plans.map((p) => ({ value: p.tier, label: `${p.name} (${p.tier})` }))}
      />
      <Field label="Owner e-mail" name="ownerEmail" type="email" defaultValue={v.ownerEmail} errors={e.ownerEmail} />
      <Field label="Owner name" name="ownerName" defaultValue={v.ownerName} errors={e.ownerName} />
      <Field
        label="Owner password (optional)"
        name="ownerPassword"
        type="password"
        autoComplete="new-password"
        errors={e.ownerPassword}
      />
      <Field label="Billing e-mail (optional)" name="email" type="email" defaultValue={v.email} errors={e.email} />
      <FormMessage message={state.message} ok={state.ok} />
      <button
        type="submit"
        disabled={pending}
        className="rounded-lg bg-blue-700 px-4 py-2 font-semibold text-white disabled:opacity-60"
      >
        {pending ? "Creating…" : "Create tenant"}
      </button>
    </form>
  );
}
