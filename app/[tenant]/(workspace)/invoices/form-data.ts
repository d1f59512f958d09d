import "server-only";
import { customerOptions } from "@/components/accounting/lookups";
import type { PageScope } from "@/components/accounting/page-scope";
import type { ProductOption } from "@/components/accounting/invoice-form";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { listProducts } from "@/lib/accounting/products";

/** The choices an invoice form offers: customers, and products when the plan has inventory. */
export async function invoiceFormChoices(scope: PageScope) {
  const customers = await customerOptions(scope);
  let products: ProductOption[] = [];
  if (hasFeature(scope.tenant, FEATURE_FOR_RESOURCE.products)) {
    const page = await scope.run(() => listProducts({ limit: 100, archived: "false" }));
    products = page.data.map((p) => ({
      id: p.id,
      name: p.name,
      sku: p.sku,
      priceMinor: p.priceMinor,
      currency: p.currency,
    }));
  }
  return { customers, products };
}
