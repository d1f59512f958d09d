import Link from "next/link";
import { LockedPage } from "@/components/accounting/feature-locked";
import { formatDate, formatMoney } from "@/components/accounting/format";
import { Details, PageHeader } from "@/components/accounting/list-controls";
import { orNotFound, pageScope } from "@/components/accounting/page-scope";
import { StockForm } from "@/components/accounting/product-form";
import { DeleteButton } from "@/components/accounting/record-buttons";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { getProduct } from "@/lib/accounting/products";
import { adjustStockAction, deleteProductAction } from "../actions";

export const metadata = { title: "Product" };

export default async function ProductPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const scope = await pageScope(params);
  if (!scope) return null;
  const { tenant } = scope;
  const feature = FEATURE_FOR_RESOURCE.products;
  if (!hasFeature(tenant, feature))
    return <LockedPage title="Product" feature={feature} planName={tenant.planName} width="max-w-4xl" />;
  const { id } = await params;
  const product = await orNotFound(scope.run(() => getProduct(id)));
  const lang = tenant.locale;
  return (
    <main className="mx-auto max-w-4xl px-6 py-10">
      <p className="text-sm">
        <Link href="/products" className="text-slate-500 hover:underline">
          ← Products
        </Link>
      </p>
      <PageHeader title={product.name}>
        {scope.can("records:update") && (
          <Link
            href={`/products/${product.id}/edit`}
            className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm"
          >
            Edit
          </Link>
        )}
        {scope.can("records:delete") && <DeleteButton action={deleteProductAction} id={product.id} what="product" />}
      </PageHeader>
      <Details
        items={[
          { label: "SKU", value: <code>{product.sku}</code> },
          { label: "Price", value: formatMoney(product.priceMinor, product.currency, lang) },
          { label: "In stock", value: <span data-testid="stock">{product.stock}</span> },
          { label: "Status", value: product.isArchived ? "Archived" : "Active" },
          { label: "Created", value: formatDate(product.createdAt, lang) },
          { label: "Description", value: product.description },
        ]}
      />
      {scope.can("records:update") && <StockForm action={adjustStockAction} productId={product.id} />}
    </main>
  );
}
