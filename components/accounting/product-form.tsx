"use client";

import { useActionState } from "react";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import type { ProductDto } from "@/lib/accounting/products";
import { FormMessage, SubmitButton, TextArea, TextInput } from "./fields";
import { minorToInput } from "./format";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

export function ProductForm({
  action,
  product,
  defaultCurrency,
}: {
  action: Action;
  product?: ProductDto;
  defaultCurrency: string;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const e = (name: string) => state.fieldErrors?.[name];
  const currency = product?.currency ?? defaultCurrency;
  const v = (name: string, fallback: string) => state.values?.[name] ?? fallback;
  const archived = state.values ? state.values.isArchived === "on" : (product?.isArchived ?? false);
  return (
    <form action={formAction} className="mt-6 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Product">
      <NavigateOnSuccess to={state.redirectTo} />
      {product && <input type="hidden" name="id" value={product.id} />}
      <FormMessage message={state.message} upgradeUrl={state.upgradeUrl} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput label="SKU" name="sku" defaultValue={v("sku", product?.sku ?? "")} errors={e("sku")} />
        <TextInput label="Name" name="name" defaultValue={v("name", product?.name ?? "")} errors={e("name")} />
        <TextInput
          label={`Price (${currency})`}
          name="priceMinor"
          type="number"
          step="any"
          defaultValue={v("priceMinor", minorToInput(product?.priceMinor, currency))}
          errors={e("priceMinor")}
        />
        <TextInput label="Currency" name="currency" defaultValue={v("currency", currency)} errors={e("currency")} />
        {!product && (
          <TextInput
            label="Opening stock"
            name="stock"
            type="number"
            defaultValue={v("stock", "0")}
            errors={e("stock")}
          />
        )}
      </div>
      <TextArea
        label="Description"
        name="description"
        defaultValue={v("description", product?.description ?? "")}
        errors={e("description")}
      />
      {product && (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="isArchived" defaultChecked={archived} /> Archived (hidden from new invoices)
        </label>
      )}
      <SubmitButton pending={pending}>{product ? "Save product" : "Create product"}</SubmitButton>
    </form>
  );
}

export function StockForm({ action, productId }: { action: Action; productId: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  return (
    <form action={formAction} className="mt-6 space-y-3 rounded-xl bg-white p-6 shadow-sm" aria-label="Adjust stock">
      <NavigateOnSuccess to={state.redirectTo} />
      <h2 className="font-semibold">Adjust stock</h2>
      <input type="hidden" name="id" value={productId} />
      <FormMessage message={state.message} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextInput
          label="Change (negative to remove)"
          name="delta"
          type="number"
          defaultValue={state.values?.delta ?? ""}
          errors={state.fieldErrors?.delta}
        />
        <TextInput
          label="Reason"
          name="reason"
          defaultValue={state.values?.reason ?? ""}
          errors={state.fieldErrors?.reason}
          placeholder="Delivery, stock take, damage…"
        />
      </div>
      <SubmitButton pending={pending}>Adjust stock</SubmitButton>
    </form>
  );
}
