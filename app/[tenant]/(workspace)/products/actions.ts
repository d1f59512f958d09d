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
import { adjustStock, createProduct, deleteProduct, updateProduct } from "@/lib/accounting/products";

const FEATURE = FEATURE_FOR_RESOURCE.products;

export async function saveProductAction(_prev: FormState, form: FormData): Promise<FormState> {
  const id = text(form, "id");
  try {
    const product = await inTenantAction(id ? "records:update" : "records:create", FEATURE, ({ tenant }) => {
      const currency = (text(form, "currency").trim() || tenant.locale.currency).toUpperCase();
      const common = {
        sku: text(form, "sku"),
        name: text(form, "name"),
        description: text(form, "description"),
        currency: text(form, "currency").trim() || undefined,
        isArchived: form.get("isArchived") === "on",
      };
      const price = minorFromInput(text(form, "priceMinor"), minorDigits(currency));
      if (id) return updateProduct(id, { ...common, ...(price === undefined ? {} : { priceMinor: price }) });
      return createProduct({
        ...common,
        currency,
        priceMinor: price,
        stock: numberOrUndefined(text(form, "stock")),
      });
    });
    revalidatePath("/products");
    return { ok: true, redirectTo: `/products/${product.id}` };
  } catch (error) {
    return errorState(error, formValues(form));
  }
}

export async function adjustStockAction(_prev: FormState, form: FormData): Promise<FormState> {
  const id = text(form, "id");
  try {
    await inTenantAction("records:update", FEATURE, () =>
      adjustStock(id, { delta: numberOrUndefined(text(form, "delta")) as number, reason: text(form, "reason") }),
    );
    revalidatePath(`/products/${id}`);
    return { ok: true, redirectTo: `/products/${id}` };
  } catch (error) {
    return errorState(error, formValues(form));
  }
}

export async function deleteProductAction(_prev: FormState, form: FormData): Promise<FormState> {
  try {
    await inTenantAction("records:delete", FEATURE, () => deleteProduct(text(form, "id")));
    revalidatePath("/products");
    return { ok: true, redirectTo: "/products" };
  } catch (error) {
    return errorState(error);
  }
}
