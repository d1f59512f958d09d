"use client";

import { useActionState } from "react";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import type { CustomerDto } from "@/lib/accounting/customers";
import { FormMessage, SubmitButton, TextArea, TextInput } from "./fields";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function CustomerForm({ action, customer }: { action: Action; customer?: CustomerDto }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const v = (name: keyof CustomerDto) => state.values?.[name] ?? (customer?.[name] as string | null) ?? "";
  const e = (name: string) => state.fieldErrors?.[name];
  return (
    <form action={formAction} className="mt-6 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Customer">
      <NavigateOnSuccess to={state.redirectTo} />
      {customer && <input type="hidden" name="id" value={customer.id} />}
      <FormMessage message={state.message} />
      <TextInput label="Name" name="name" defaultValue={v("name")} errors={e("name")} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput label="E-mail" name="email" defaultValue={v("email")} errors={e("email")} />
        <TextInput label="Phone" name="phone" defaultValue={v("phone")} errors={e("phone")} />
        <TextInput label="Tax ID" name="taxId" defaultValue={v("taxId")} errors={e("taxId")} />
        <TextInput label="Country" name="country" defaultValue={v("country")} errors={e("country")} placeholder="US" />
        <TextInput
          label="Address line 1"
          name="addressLine1"
          defaultValue={v("addressLine1")}
          errors={e("addressLine1")}
        />
        <TextInput
          label="Address line 2"
          name="addressLine2"
          defaultValue={v("addressLine2")}
          errors={e("addressLine2")}
        />
        <TextInput label="City" name="city" defaultValue={v("city")} errors={e("city")} />
        <TextInput label="Postal code" name="postalCode" defaultValue={v("postalCode")} errors={e("postalCode")} />
      </div>
      <TextArea label="Notes" name="notes" defaultValue={v("notes")} errors={e("notes")} />
      <SubmitButton pending={pending}>{customer ? "Save customer" : "Create customer"}</SubmitButton>
    </form>
  );
}
