import type { ReactNode } from "react";
import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import type { SessionUser } from "@/lib/auth/session";

export function AdminShell({ user, children }: { user: SessionUser; children: ReactNode }) {
  return (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3 text-sm">
          <nav className="flex items-center gap-4">
            <span className="font-bold">LogiAccounting Pro · Platform admin</span>
            <Link href="/admin/tenants" className="underline">
              Tenants
            </Link>
            <Link href="/admin/connections" className="underline">
              Connections
            </Link>
          </nav>
          <div className="flex items-center gap-3 text-slate-600">
            <span data-testid="admin-user">{user.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
    </div>
  );
}

/** What a signed-in user without the platform-admin role sees instead of any admin page. */
export function AdminForbidden() {
  return (
    <main className="mx-auto max-w-xl px-6 py-16 text-center" data-testid="admin-forbidden">
      <h1 className="text-2xl font-bold">Platform administrators only</h1>
      <p className="mt-3 text-slate-600">This area is for the platform&apos;s administrators.</p>
      <Link href="/workspaces" className="mt-6 inline-block underline">
        Back to your workspaces
      </Link>
    </main>
  );
}

export function TenantStatusBadge({ status }: { status: string }) {
  const colours: Record<string, string> = {
    active: "bg-green-100 text-green-800",
    suspended: "bg-amber-100 text-amber-800",
    pending: "bg-blue-100 text-blue-800",
    cancelled: "bg-slate-100 text-slate-600",
    deleted: "bg-red-100 text-red-700",
  };
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${colours[status] ?? "bg-slate-100"}`}
      data-testid="tenant-status"
    >
      {status}
    </span>
  );
}
