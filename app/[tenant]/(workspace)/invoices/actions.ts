"use server";

import { revalidatePath } from "next/cache";
import {
  errorState,
  formValues,
  inTenantAction,
  minorFromInput,
  numberOrUndefined,
  text,
} from "@/components/accounting/server";
import { minorDigits } from "@/components/accounting/format";
import type { FormState } from "@/components/accounting/form-state";
import { FEATURE_FOR_RESOURCE } from "@/lib/accounting/features";
import {
  createInvoice,
  deleteInvoice,
  payInvoice,
  sendInvoice,
  updateInvoice,
  voidInvoice,
  type InvoiceDto,
} from "@/lib/accounting/invoices";
import type { InvoiceLineInput } from "@/lib/accounting/schemas";

const FEATURE = FEATURE_FOR_RESOURCE.invoices;

/** `lines.<i>.<field>` inputs → line inputs, in index order (prices typed in major units, tax in %). */
function linesFrom(form: FormData, currency: string): InvoiceLineInput[] {
  const indices = new Set<number>();
  for (const key of form.keys()) {
    const match = /^lines\.(\d{1,3})\./.exec(key);
    if (match) indices.add(Number(match[1]));
  }
  const digits = minorDigits(currency);
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => {
      const taxPercent = numberOrUndefined(text(form, `lines.${i}.taxRateBps`));
      return {
        description: text(form, `lines.${i}.description`),
        quantity: numberOrUndefined(text(form, `lines.${i}.quantity`)) as number,
        unitPriceMinor: minorFromInput(text(form, `lines.${i}.unitPriceMinor`), digits) as number,
        taxRateBps: taxPercent === undefined ? 0 : Math.round(taxPercent * 100),
        productId: text(form, `lines.${i}.productId`) || null,
      };
    });
}

export async function saveInvoiceAction(_prev: FormState, form: FormData): Promise<FormState> {
  const id = text(form, "id");
  try {
    const invoice = await inTenantAction(id ? "records:update" : "records:create", FEATURE, ({ tenant }) => {
      const currency = (text(form, "currency").trim() || tenant.locale.currency).toUpperCase();
      const input = {
        customerId: text(form, "customerId"),
        number: text(form, "number").trim() || undefined,
        issueDate: text(form, "issueDate") || undefined,
        dueDate: text(form, "dueDate") || undefined,
        currency,
        notes: text(form, "notes"),
        lines: linesFrom(form, currency),
      };
      if (id) return updateInvoice(id, input);
      return createInvoice(input, { currency: tenant.locale.currency });
    });
    revalidatePath("/invoices");
    return { ok: true, redirectTo: `/invoices/${invoice.id}` };
  } catch (error) {
    const state = errorState(error, formValues(form));
    if (state.fieldErrors?.customerId && !text(form, "customerId"))
      state.fieldErrors.customerId = ["Choose a customer"];
    return state;
  }
}

function transitionAction(run: (id: string) => Promise<InvoiceDto>) {
  return async (form: FormData): Promise<FormState> => {
    const id = text(form, "id");
    try {
      await inTenantAction("records:update", FEATURE, () => run(id));
      revalidatePath("/invoices");
      return { ok: true, redirectTo: `/invoices/${id}` };
    } catch (error) {
      return errorState(error);
    }
  };
}

const send = transitionAction(sendInvoice);
const pay = transitionAction(payInvoice);
const voidIt = transitionAction(voidInvoice);

export async function sendInvoiceAction(_prev: FormState, form: FormData): Promise<FormState> {
  return send(form);
}

export async function payInvoiceAction(_prev: FormState, form: FormData): Promise<FormState> {
  return pay(form);
}

export async function voidInvoiceAction(_prev: FormState, form: FormData): Promise<FormState> {
  return voidIt(form);
}

export async function deleteInvoiceAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    await inTenantAction("records:delete", FEATURE, () => deleteInvoice(text(form, "id")));
    revalidatePath("/invoices");
    return { ok: true, redirectTo: "/invoices" };
  } catch (error) {
    return errorState(error);
  }
}
