"use client";

import { useActionState, useMemo, useState } from "react";
import { NavigateOnSuccess } from "@/components/auth/navigate-on-success";
import type { InvoiceDto } from "@/lib/accounting/invoices";
import { FormMessage, SelectInput, SubmitButton, TextArea, TextInput } from "./fields";
import { formatMoney, minorDigits, minorToInput, type LocaleLike } from "./format";
import type { FormState } from "./form-state";

type Action = (prev: FormState, form: FormData) => Promise<FormState>;

interface LineDraft {
  key: number;
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  productId: string;
}

export interface ProductOption {
  id: string;
  name: string;
  sku: string;
  priceMinor: number;
  currency: string;
}

let nextKey = 1;
const blankLine = (): LineDraft => ({
  key: nextKey++,
  description: "",
  quantity: "1",
  unitPrice: "",
  taxRate: "0",
  productId: "",
});

/** Round-half-up like the server; the server's totals are the real ones. */
function previewTotals(lines: LineDraft[], digits: number) {
  let subtotal = 0;
  let tax = 0;
  const amounts = lines.map((line) => {
    const quantity = Number(line.quantity);
    const unit = Math.round(Number(line.unitPrice) * 10 ** digits);
    const rate = Math.round(Number(line.taxRate) * 100);
    if (!Number.isFinite(quantity) || !Number.isFinite(unit) || !Number.isFinite(rate)) return null;
    const amount = Math.round(quantity * unit);
    const lineTax = Math.round((amount * rate) / 10_000);
    subtotal += amount;
    tax += lineTax;
    return amount;
  });
  return { amounts, subtotal, tax, total: subtotal + tax };
}

export function InvoiceForm({
  action,
  invoice,
  customers,
  products,
  defaultCurrency,
  defaultCustomerId,
  language,
}: {
  action: Action;
  invoice?: InvoiceDto;
  customers: { id: string; name: string }[];
  products: ProductOption[];
  defaultCurrency: string;
  defaultCustomerId?: string;
  language: LocaleLike;
}) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const [currency, setCurrency] = useState(invoice?.currency ?? defaultCurrency);
  const validCurrency = /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : defaultCurrency;
  const digits = minorDigits(validCurrency);
  const [lines, setLines] = useState<LineDraft[]>(() =>
    invoice && invoice.lines.length > 0
      ? invoice.lines.map((l) => ({
          key: nextKey++,
          description: l.description,
          quantity: String(l.quantity),
          unitPrice: minorToInput(l.unitPriceMinor, invoice.currency),
          taxRate: String(l.taxRateBps / 100),
          productId: l.productId ?? "",
        }))
      : [blankLine()],
  );
  const totals = useMemo(() => previewTotals(lines, digits), [lines, digits]);
  const e = (name: string) => state.fieldErrors?.[name];
  const v = (name: string, fallback: string | null | undefined) => state.values?.[name] ?? fallback ?? "";
  const money = (minor: number) => formatMoney(minor, validCurrency, language);

  const update = (key: number, patch: Partial<LineDraft>) =>
    setLines((current) => current.map((line) => (line.key === key ? { ...line, ...patch } : line)));
  const pickProduct = (key: number, productId: string) => {
    const product = products.find((p) => p.id === productId);
    update(key, {
      productId,
      ...(product ? { description: product.name, unitPrice: minorToInput(product.priceMinor, product.currency) } : {}),
    });
  };

  return (
    <form action={formAction} className="mt-6 space-y-4 rounded-xl bg-white p-6 shadow-sm" aria-label="Invoice">
      <NavigateOnSuccess to={state.redirectTo} />
      {invoice && <input type="hidden" name="id" value={invoice.id} />}
      <FormMessage message={state.message} upgradeUrl={state.upgradeUrl} />
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectInput
          label="Customer"
          name="customerId"
          defaultValue={v("customerId", invoice?.customerId ?? defaultCustomerId)}
          errors={e("customerId")}
          options={[{ value: "", label: "— choose —" }, ...customers.map((c) => ({ value: c.id, label: c.name }))]}
        />
        <TextInput
          label="Number"
          name="number"
          defaultValue={v("number", invoice?.number)}
          errors={e("number")}
          placeholder="automatic (INV-0001…)"
        />
        <label className="block text-sm">
          <span className="font-medium text-slate-700">Currency</span>
          <input
            name="currency"
            value={currency}
            onChange={(event) => setCurrency(event.target.value)}
            aria-invalid={e("currency") ? true : undefined}
            className="mt-1 block w-full rounded-lg border border-slate-300 px-3 py-2 shadow-sm aria-invalid:border-red-600"
          />
          {e("currency") && (
            <span className="mt-1 block text-red-700" role="alert">
              {e("currency")?.join(" ")}
            </span>
          )}
        </label>
        <TextInput
          label="Issue date"
          name="issueDate"
          type="date"
          defaultValue={v("issueDate", invoice?.issueDate)}
          errors={e("issueDate")}
          hint="Empty: today"
        />
        <TextInput
          label="Due date"
          name="dueDate"
          type="date"
          defaultValue={v("dueDate", invoice?.dueDate)}
          errors={e("dueDate")}
          hint="Empty: 30 days after the issue date"
        />
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold">Lines</legend>
        {e("lines") && (
          <p role="alert" className="text-sm text-red-700">
            {e("lines")?.join(" ")}
          </p>
        )}
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              {products.length > 0 && <th className="pr-2 font-normal">Product</th>}
              <th className="pr-2 font-normal">Description</th>
              <th className="w-24 pr-2 font-normal">Quantity</th>
              <th className="w-32 pr-2 font-normal">Unit price</th>
              <th className="w-20 pr-2 font-normal">Tax %</th>
              <th className="w-32 pr-2 text-right font-normal">Amount</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines.map((line, i) => {
              const cell = (field: string) => `lines.${i}.${field}`;
              const input = (field: keyof LineDraft, name: string, label: string, type = "text") => (
                <td className="py-1 pr-2 align-top">
                  <input
                    name={cell(name)}
                    type={type}
                    step={type === "number" ? "any" : undefined}
                    aria-label={`Line ${i + 1} ${label}`}
                    value={line[field] as string}
                    onChange={(event) => update(line.key, { [field]: event.target.value })}
                    aria-invalid={e(cell(name)) ? true : undefined}
                    className="block w-full rounded border border-slate-300 px-2 py-1 aria-invalid:border-red-600"
                  />
                  {e(cell(name)) && (
                    <span role="alert" className="mt-0.5 block text-xs text-red-700">
                      {e(cell(name))?.join(" ")}
                    </span>
                  )}
                </td>
              );
              return (
                <tr key={line.key} data-testid="invoice-line">
                  {products.length > 0 && (
                    <td className="py-1 pr-2 align-top">
                      <select
                        name={cell("productId")}
                        aria-label={`Line ${i + 1} product`}
                        value={line.productId}
                        onChange={(event) => pickProduct(line.key, event.target.value)}
                        className="block w-full rounded border border-slate-300 px-2 py-1"
                      >
                        <option value="">—</option>
                        {products.map((p) => (
                          <option key={p.id} value={p.id}>
                            {p.sku} {p.name}
                          </option>
                        ))}
                      </select>
                      {e(cell("productId")) && (
                        <span role="alert" className="mt-0.5 block text-xs text-red-700">
                          {e(cell("productId"))?.join(" ")}
                        </span>
                      )}
                    </td>
                  )}
                  {input("description", "description", "description")}
                  {input("quantity", "quantity", "quantity", "number")}
                  {input("unitPrice", "unitPriceMinor", "unit price", "number")}
                  {input("taxRate", "taxRateBps", "tax rate", "number")}
                  <td className="py-1 pr-2 text-right align-top tabular-nums">
                    {totals.amounts[i] === null ? "—" : money(totals.amounts[i] ?? 0)}
                  </td>
                  <td className="py-1 align-top">
                    <button
                      type="button"
                      onClick={() => setLines((current) => current.filter((l) => l.key !== line.key))}
                      disabled={lines.length === 1}
                      className="text-red-700 underline disabled:opacity-40"
                      aria-label={`Remove line ${i + 1}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <button
          type="button"
          onClick={() => setLines((current) => [...current, blankLine()])}
          className="rounded-lg border border-slate-300 px-3 py-1 text-sm"
        >
          Add line
        </button>
      </fieldset>

      <dl className="ml-auto w-64 space-y-1 text-sm" data-testid="totals-preview">
        <div className="flex justify-between">
          <dt className="text-slate-500">Subtotal</dt>
          <dd className="tabular-nums">{money(totals.subtotal)}</dd>
        </div>
        <div className="flex justify-between">
          <dt className="text-slate-500">Tax</dt>
          <dd className="tabular-nums">{money(totals.tax)}</dd>
        </div>
        <div className="flex justify-between font-semibold">
          <dt>Total (preview)</dt>
          <dd className="tabular-nums" data-testid="preview-total">
            {money(totals.total)}
          </dd>
        </div>
      </dl>

      <TextArea label="Notes" name="notes" defaultValue={v("notes", invoice?.notes)} errors={e("notes")} />
      <SubmitButton pending={pending}>{invoice ? "Save invoice" : "Create invoice"}</SubmitButton>
    </form>
  );
}
