import Link from "next/link";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import { openWorkspace } from "@/lib/auth/actions";
import { AuthCard } from "@/components/auth/card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { REQUESTED_PATH_HEADER } from "@/lib/tenancy/proxy-headers";
import { requireMember, workspacesOf } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { FEATURE_FOR_RESOURCE, hasFeature } from "@/lib/accounting/features";
import { ForbiddenError, MfaEnrolmentRequiredError, UnauthenticatedError } from "@/lib/http/errors";
import { MfaEnrolment } from "@/components/settings/mfa-enrolment";
import { requireTenantForRoute } from "@/lib/tenancy/current";
import { QuotaBanner } from "@/components/usage/quota-banner";
import { quotasNearLimit, upgradeUrl } from "@/lib/quotas/quotas";

/** Everything inside a workspace requires a signed-in member of this tenant. */
export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const tenant = await requireTenantForRoute((await params).tenant);
  let membership;
  try {
    membership = await requireMember(tenant);
  } catch (error) {
    if (error instanceof UnauthenticatedError) {
      // Anyone may see which workspace this is and sign in to it, on the page they asked for.
      const requested = (await headers()).get(REQUESTED_PATH_HEADER) ?? "/";
      return (
        <AuthCard title={`Sign in to ${tenant.name}`}>
          <SignInForm next={requested} />
        </AuthCard>
      );
    }
    if (error instanceof MfaEnrolmentRequiredError) {
      // The workspace requires two-step sign-in: nothing else until this member has set it up.
      const requested = (await headers()).get(REQUESTED_PATH_HEADER) ?? "/";
      return (
        <AuthCard title={`${tenant.name} requires two-step sign-in`}>
          <MfaEnrolment next={requested} required />
          <div className="mt-6 border-t border-slate-200 pt-4 text-center">
            <SignOutButton />
          </div>
        </AuthCard>
      );
    }
    if (error instanceof ForbiddenError) {
      return (
        <main className="mx-auto max-w-xl px-6 py-16 text-center" data-testid="not-a-member">
          <h1 className="text-2xl font-bold">You are not a member of {tenant.name}</h1>
          <p className="mt-2 text-slate-600">
            Ask one of its admins for an invitation, or sign in with another account.
          </p>
          <SignOutButton />
        </main>
      );
    }
    throw error;
  }
  const workspaces = await workspacesOf(membership.user.id);
  // Tenant admins see a banner while a quota is at 80 % or more (a failed lookup shows none).
  const nearLimit = can(membership.role, "settings:read")
    ? await quotasNearLimit(tenant.id).catch((error: unknown) => {
        console.error("[quotas] banner lookup failed", error);
        return [];
      })
    : [];
  // Modules the workspace chose to show (settings → general); none chosen means all.
  const shown = (module: string) => tenant.modulesEnabled.length === 0 || tenant.modulesEnabled.includes(module);
  return (
    <>
      <nav className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-2 text-sm">
          <div className="flex gap-4">
            <Link href="/" className="font-medium">
              Dashboard
            </Link>
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.customers) && shown("customers") && (
              <Link href="/customers" className="font-medium">
                Customers
              </Link>
            )}
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.invoices) && shown("invoices") && (
              <Link href="/invoices" className="font-medium">
                Invoices
              </Link>
            )}
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.products) && shown("products") && (
              <Link href="/products" className="font-medium">
                Products
              </Link>
            )}
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.projects) && shown("projects") && (
              <Link href="/projects" className="font-medium">
                Projects
              </Link>
            )}
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.reports) && shown("reports") && (
              <Link href="/reports" className="font-medium">
                Reports
              </Link>
            )}
            {hasFeature(tenant, FEATURE_FOR_RESOURCE.auditEvents) && can(membership.role, "audit:read") && (
              <Link href="/audit" className="font-medium">
                Audit trail
              </Link>
            )}
            <Link href="/usage" className="font-medium">
              Usage
            </Link>
            <Link href="/features" className="font-medium">
              Features
            </Link>
            {can(membership.role, "team:read") && (
              <Link href="/team" className="font-medium">
                Team
              </Link>
            )}
            {can(membership.role, "settings:read") ? (
              <Link href="/settings" className="font-medium">
                Settings
              </Link>
            ) : (
              <Link href="/settings/api-keys" className="font-medium">
                API keys
              </Link>
            )}
          </div>
          <div className="flex items-center gap-4">
            {workspaces.length > 1 && (
              <details className="relative" data-testid="tenant-switcher">
                <summary className="cursor-pointer">Switch workspace</summary>
                <ul className="absolute right-0 z-10 mt-2 w-56 rounded-lg border border-slate-200 bg-white p-2 shadow">
                  {workspaces.map((w) => (
                    <li key={w.id}>
                      <form action={openWorkspace}>
                        <input type="hidden" name="tenantId" value={w.id} />
                        <button
                          disabled={w.id === tenant.id}
                          className="block w-full rounded px-2 py-1 text-left hover:bg-slate-100 disabled:font-semibold"
                        >
                          {w.name}
                        </button>
                      </form>
                    </li>
                  ))}
                </ul>
              </details>
            )}
            <Link href="/account/security" className="text-slate-500" data-testid="signed-in-as">
              {membership.user.email} · {membership.role}
            </Link>
            <SignOutButton />
          </div>
        </div>
      </nav>
      <QuotaBanner quotas={nearLimit} upgradeUrl={upgradeUrl()} />
      {children}
    </>
  );
}
