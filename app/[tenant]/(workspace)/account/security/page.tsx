import { MfaEnrolment } from "@/components/settings/mfa-enrolment";
import { MfaManage } from "@/components/settings/mfa-manage";
import { mfaStatus } from "@/lib/auth/mfa-store";
import { memberForPage } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/settings/format";
import { requireTenantForRoute } from "@/lib/tenancy/current";

export const metadata = { title: "Sign-in security" };

/** The signed-in user's own two-step sign-in (any member; the account is theirs, not the workspace's). */
export default async function AccountSecurityPage({ params }: { params: Promise<{ tenant: string }> }) {
  const tenant = await requireTenantForRoute((await params).tenant);
  const member = await memberForPage(tenant);
  if (!member) return null;
  const status = await mfaStatus(member.user.id);
  return (
    <main className="mx-auto max-w-3xl px-6 py-10">
      <h1 className="text-2xl font-bold">Sign-in security</h1>
      <p className="mt-1 text-slate-600">{member.user.email}</p>
      <section className="mt-6 rounded-xl border border-slate-200 bg-white p-6">
        <h2 className="text-lg font-semibold">Two-step sign-in</h2>
        {status.enabled ? (
          <div className="mt-3 space-y-4">
            <p data-testid="mfa-status">
              On since {formatDateTime(status.enabledAt, tenant.locale)}. {status.recoveryCodesLeft} recovery code
              {status.recoveryCodesLeft === 1 ? "" : "s"} left.
            </p>
            <MfaManage />
          </div>
        ) : (
          <div className="mt-3 max-w-md">
            <p className="mb-3 text-sm" data-testid="mfa-status">
              Off{tenant.mfaRequired ? " (this workspace requires it)" : ""}.
            </p>
            <MfaEnrolment next="/account/security" />
          </div>
        )}
      </section>
    </main>
  );
}
