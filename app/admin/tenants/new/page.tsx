import Link from "next/link";
import { activePlans } from "@/lib/platform/admin-tenants";
import { adminForPage } from "../../_lib/guard";
import { AdminForbidden, AdminShell } from "../../_lib/shell";
import { CreateTenantForm } from "../_components/create-tenant-form";

export const metadata = { title: "New tenant · Platform admin" };

export default async function NewTenantPage() {
  const user = await adminForPage();
  if (!user) return <AdminForbidden />;
  const plans = await activePlans();
  return (
    <AdminShell user={user}>
      <Link href="/admin/tenants" className="text-sm underline">
        ← Tenants
      </Link>
      <h1 className="mt-2 text-2xl font-bold">New tenant</h1>
      <div className="max-w-xl">
        <CreateTenantForm plans={plans} />
      </div>
    </AdminShell>
  );
}
