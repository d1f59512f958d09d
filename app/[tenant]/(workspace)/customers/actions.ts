"use server";

import { revalidatePath } from "next/cache";
import { errorState, formValues, inTenantAction, text } from "@/components/accounting/server";
import type { FormState } from "@/components/accounting/form-state";
import { createCustomer, deleteCustomer, updateCustomer } from "@/lib/accounting/customers";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";

const FEATURE = FEATURE_FOR_RESOURCE.customers;

function customerInput(form: FormData) {
  return {
    name: text(form, "name"),
    email: text(form, "email"),
    phone: text(form, "phone"),
    taxId: text(form, "taxId"),
    addressLine1: text(form, "addressLine1"),
    addressLine2: text(form, "addressLine2"),
    city: text(form, "city"),
    postalCode: text(form, "postalCode"),
    country: text(form, "country").trim() || null,
    notes: text(form, "notes"),
  };
}

/** Creates (no id) or updates (id) a customer. */
export async function saveCustomerAction(_prev: FormState, form: FormData): Promise<FormState> {
  const id = text(form, "id");
  try {
    const customer = await inTenantAction(id ? "records:update" : "records:create", FEATURE, () =>
      id ? updateCustomer(id, customerInput(form)) : createCustomer(customerInput(form)),
    );
    revalidatePath("/customers");
    return { ok: true, redirectTo: `/customers/${customer.id}` };
  } catch (error) {
    return errorState(error, formValues(form));
  }
}

export async function deleteCustomerAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    await inTenantAction("records:delete", FEATURE, () => deleteCustomer(text(form, "id")));
    revalidatePath("/customers");
    return { ok: true, redirectTo: "/customers" };
  } catch (error) {
    return errorState(error);
  }
}
